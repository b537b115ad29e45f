namespace AttentionLego.Cosim.Waves;

/// <summary>A VCD file does not follow IEEE 1364-2005 §18. The message names the file, the line and what was expected.</summary>
public sealed class VcdFormatException(string file, int line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string Problem { get; } = problem;
}

/// <summary>A wave command cannot run as asked (unknown clock, a glob that matches nothing, an empty window). The message says how to fix it.</summary>
public sealed class WaveException(string message) : Exception(message);
