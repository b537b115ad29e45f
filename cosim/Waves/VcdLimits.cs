namespace AttentionLego.Cosim.Waves;

/// <summary>
/// How much of a wave file <see cref="VcdReader"/> takes: beyond these a file is refused (exit 2) before the memory it
/// would need is allocated, with the line where it went too far. The defaults fit every wave attnlego writes with room to
/// spare, and keep a hostile or runaway file (a 2^31-bit signal, a GB-long line, millions of declarations) from taking
/// the machine down.
/// </summary>
public sealed record VcdLimits
{
    public static VcdLimits Default { get; } = new();

    /// <summary>
    /// Bits of one signal: 2^24 (16,777,216). The widest vector attnlego can generate is a token of Model.DModel 65536 x
    /// Format.DataWidth 16 = 2^20 bits (W_O's output at paper-mha is 102,400); one change of a 2^24-bit signal is 4 MiB packed.
    /// </summary>
    public int MaxWidth { get; init; } = 1 << 24;

    /// <summary>
    /// <c>$var</c> declarations: 2^20 (1,048,576). Each costs a few hundred bytes before any value is read, so the limit
    /// alone keeps the declarations under half a GB. A whole-design Verilator dump of the tiny head (16 PIM macros)
    /// declares 2,408; paper-mha has 5,120 macros, and a dump in proportion (about 770,000) stays below.
    /// </summary>
    public int MaxVariables { get; init; } = 1 << 20;

    /// <summary>
    /// Characters of a scope or reference name, of the path of nested scopes (names joined with dots), and of a
    /// <c>$date</c>/<c>$version</c>/<c>$comment</c> text kept: 64 Ki.
    /// </summary>
    public int MaxNameLength { get; init; } = 1 << 16;

    /// <summary>Memory the changes of one signal may take (times and packed values, as allocated): 512 MiB.</summary>
    public long MaxSignalBytes { get; init; } = 512L << 20;

    /// <summary>
    /// Memory the whole file's declarations and changes may take (as allocated): 2 GiB, so that a diff of two such files
    /// fits a machine with 8 GB. A text VCD writes a scalar change in 3 bytes and the reader keeps it in 9 to 18, so
    /// this is a dump of a few hundred MB of text; a windowed dump (cosim --waves) is a few MB.
    /// </summary>
    public long MaxTotalBytes { get; init; } = 2L << 30;

    /// <summary>The longest whitespace-separated word: a vector value of <see cref="MaxWidth"/> bits with its 'b', or a name.</summary>
    public int MaxTokenLength => Math.Max(MaxWidth + 1, MaxNameLength);
}
