namespace AttentionLego.Gen.Config;

/// <summary>
/// Where a design's memory image puts its regions (byte addresses): the weights from <see cref="WBase"/>, the tokens from
/// <see cref="XBase"/>, one output per token and one more from <see cref="OBase"/>, to <see cref="End"/>. Each region
/// starts on a 256-byte boundary (every bus word is aligned), and the weights do not start at 0 on purpose. In 64 bits:
/// <see cref="ConfigValidator"/> asks before it knows the image fits in the bus's 32-bit addresses.
/// </summary>
public sealed record MemoryRegions(long WBase, long XBase, long OBase, long End, int TokenBytes, int OutputBytes)
{
    /// <summary>al_top's image: W_Q, W_K, W_V; the tokens; one output of d_head activations per token.</summary>
    public static MemoryRegions Head(AttentionConfig c) => Build(c, c.HeadWeightBytes, c.Model.DHead * c.Format.DataWidth / 8);

    /// <summary>al_array's image (the larger of the two): every head's W_Q, W_K, W_V in head order, then W_O; the tokens; one output row per token.</summary>
    public static MemoryRegions Array(AttentionConfig c) => Build(c, c.WeightBytes, c.Model.RowElements * c.Format.DataWidth / 8);

    private static MemoryRegions Build(AttentionConfig c, long weightBytes, int outputBytes)
    {
        static long Align(long bytes) => (bytes + 255) / 256 * 256;
        var tokenBytes = c.Model.DModel * c.Format.DataWidth / 8;
        const long wBase = 256;
        var xBase = Align(wBase + weightBytes);
        var oBase = Align(xBase + ((long)tokenBytes * c.Model.MaxSeqLen));
        return new MemoryRegions(wBase, xBase, oBase, Align(oBase + ((long)outputBytes * (c.Model.MaxSeqLen + 1))), tokenBytes, outputBytes);
    }
}
