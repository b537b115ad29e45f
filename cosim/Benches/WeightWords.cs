using System.Numerics;

namespace AttentionLego.Cosim.Benches;

/// <summary>
/// The words of a weight port (<see cref="AttentionLego.Gen.Config.MatrixShape.WriteCells"/>): one access reaches
/// <c>cells</c> consecutive weights of a row from an aligned column, weight k in bits k*width and up. The macro, matrix
/// and Q/K/V benches write and read through these, and their models keep one weight per cell.
/// </summary>
public static class WeightWords
{
    /// <summary>Draws a word's weights, stores weight k at column offset k, and returns the word as the port carries it.</summary>
    public static BigInteger Write(int cells, int width, Func<long> weight, Action<int, long> store)
    {
        var weights = new long[cells];
        for (var k = 0; k < cells; k++)
        {
            weights[k] = weight();
            store(k, weights[k]);
        }

        return FixedPoint.Pack(weights, width);
    }

    /// <summary>The first column of the word that holds <paramref name="col"/>, and the word's weights read from the model.</summary>
    public static (int Col, long[] Weights) Read(int cells, int col, Func<int, long> read)
    {
        var first = col - (col % cells);
        return (first, [.. Enumerable.Range(first, cells).Select(read)]);
    }
}
