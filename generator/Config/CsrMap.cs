namespace AttentionLego.Gen.Config;

/// <summary>One bit field (or one value, for CTRL's commands) of a register: bits [Bit + Width - 1 : Bit].</summary>
public sealed record CsrField(string Name, int Bit, int Width, string Description)
{
    public uint Mask => (Width >= 32 ? uint.MaxValue : (1u << Width) - 1) << Bit;
}

/// <summary>One 32-bit control/status register of al_controller.</summary>
/// <param name="Name">The register's name in the docs and the C header (upper case, e.g. <c>W_BASE</c>).</param>
/// <param name="Offset">Byte offset on the CSR port (word aligned).</param>
/// <param name="Access">R, W, RW, or R with write-1-to-clear bits (as in the docs' table).</param>
/// <param name="Reset">The value read after reset (the value written by the generator for constants).</param>
public sealed record CsrRegister(string Name, int Offset, string Access, string Reset, string Description, IReadOnlyList<CsrField> Fields)
{
    /// <summary>The register's name in Verilog (<c>RegWBase</c>): UpperCamelCase of <see cref="Name"/>.</summary>
    public string VerilogName => "Reg" + CsrMap.UpperCamel(Name);
}

/// <summary>
/// The register map of al_controller (the CSRs of al_top and al_array): the one source of truth that the RTL's
/// localparams, the golden model (<c>ControllerMirror</c>), the C header and the docs'
/// table are taken from.
/// </summary>
public static class CsrMap
{
    /// <summary>Width of the CSR port's byte offset (<c>csr_addr_i</c>).</summary>
    public const int AddressBits = 8;

    /// <summary>The offset bits that select a register (the two low bits select bytes and are ignored).</summary>
    public const int OffsetMask = 0xfc;

    public const int Ctrl = 0x00, Status = 0x04, Error = 0x08, Tokens = 0x0c, WBase = 0x10, XBase = 0x14, OBase = 0x18;
    public const int SeqLen = 0x1c, Cycles = 0x20, TokensDone = 0x24, TokenCycles = 0x28, CycFetch = 0x2c, CycQkv = 0x30;
    public const int CycScore = 0x34, CycSoftmax = 0x38, CycContext = 0x3c, CycWrite = 0x40, Id = 0x44, ConfigHash = 0x48;
    public const int MaxSeqLen = 0x4c;

    /// <summary>CTRL values: exactly one command bit.</summary>
    public const uint CtrlLoad = 1, CtrlDecode = 2, CtrlClear = 4;

    /// <summary>STATUS bits (masks).</summary>
    public const uint StatusBusy = 1, StatusDone = 2, StatusError = 4, StatusWeights = 8;

    /// <summary>ERROR bits (masks); <see cref="ErrorBits"/> of them, sticky, write 1 to clear.</summary>
    public const uint ErrBusy = 1, ErrNoWeights = 2, ErrOverflow = 4, ErrAlign = 8, ErrCommand = 16;

    public const int ErrorBits = 5;
    public const uint ErrorMask = (1u << ErrorBits) - 1;

    /// <summary>What ID reads: "ALG1" in ASCII.</summary>
    public const uint IdValue = 0x414c4731;

    public static IReadOnlyList<CsrField> CtrlCommands { get; } =
    [
        new("LOAD", 0, 1, "load the weights from W_BASE"),
        new("DECODE", 1, 1, "decode TOKENS tokens from X_BASE, outputs to O_BASE"),
        new("CLEAR", 2, 1, "empty both caches: a new sequence"),
    ];

    public static IReadOnlyList<CsrField> StatusFields { get; } =
    [
        new("BUSY", 0, 1, "a command runs"),
        new("DONE", 1, 1, "set when an accepted command finishes; cleared by writing 1 or by the next accepted LOAD or DECODE"),
        new("ERROR", 2, 1, "ERROR != 0"),
        new("WEIGHTS", 3, 1, "weights loaded"),
    ];

    public static IReadOnlyList<CsrField> ErrorFields { get; } =
    [
        new("BUSY", 0, 1, "a command or a TOKENS/base write while busy"),
        new("NO_WEIGHTS", 1, 1, "decode before a load"),
        new("OVERFLOW", 2, 1, "SEQ_LEN + TOKENS > MaxSeqLen"),
        new("ALIGN", 3, 1, "a base not aligned to a bus word"),
        new("COMMAND", 4, 1, "a CTRL value other than 1, 2 or 4"),
    ];

    /// <summary>Every register in offset order.</summary>
    public static IReadOnlyList<CsrRegister> Registers { get; } =
    [
        new("CTRL", Ctrl, "W", "0", "a command, the value exactly one of these (any other sets ERROR.COMMAND); reads 0", CtrlCommands),
        new("STATUS", Status, "R, bit 1 W1C", "0", "the state of the head", StatusFields),
        new("ERROR", Error, "R, W1C", "0", "sticky, write 1 to clear; a refused command or write changes nothing else", ErrorFields),
        new("TOKENS", Tokens, "RW", "0", "tokens of the next DECODE (0: done at once, after the checks)", []),
        new("W_BASE", WBase, "RW", "0", "byte address of the weights (bus-word aligned)", []),
        new("X_BASE", XBase, "RW", "0", "byte address of the first token (bus-word aligned)", []),
        new("O_BASE", OBase, "RW", "0", "byte address of the first output (bus-word aligned)", []),
        new("SEQ_LEN", SeqLen, "R", "0", "tokens in the caches (the position of the next token); 0 from the cycle after a CLEAR is written", []),
        new("CYCLES", Cycles, "R", "0", "cycles the last accepted command has run (every accepted command restarts all counters)", []),
        new("TOKENS_DONE", TokensDone, "R", "0", "outputs written by the last DECODE", []),
        new("TOKEN_CYCLES", TokenCycles, "R", "0", "cycles from the previous output (or the command's start) to the last one", []),
        new("CYC_FETCH", CycFetch, "R", "0", "during the last DECODE: cycles the DMA fetched a token", []),
        new("CYC_QKV", CycQkv, "R", "0", "during the last DECODE: cycles the projection array ran compute steps or drained (steps + 1 per token)", []),
        new("CYC_SCORE", CycScore, "R", "0", "during the last DECODE: cycles the K cache's array ran compute steps or drained (steps + 1 per query)", []),
        new("CYC_SOFTMAX", CycSoftmax, "R", "0", "during the last DECODE: cycles the softmax computed", []),
        new("CYC_CONTEXT", CycContext, "R", "0", "during the last DECODE: cycles the V cache's array ran compute steps or drained (steps + 1 per token)", []),
        new("CYC_WRITE", CycWrite, "R", "0", "during the last DECODE: cycles outputs were being written", []),
        new("ID", Id, "R", $"0x{IdValue:x8}", "\"ALG1\" in ASCII", []),
        new("CONFIG_HASH", ConfigHash, "R", "config", "the first 8 hex digits of the config hash (the header's AL_CONFIG_HASH)", []),
        new("MAX_SEQ_LEN", MaxSeqLen, "R", "config", "Model.MaxSeqLen", []),
    ];

    /// <summary>A register's or field's name in Verilog style: <c>NO_WEIGHTS</c> becomes <c>NoWeights</c>.</summary>
    public static string UpperCamel(string name) => string.Concat(name.Split('_').Select(p => p[0] + p[1..].ToLowerInvariant()));

    /// <summary>The register at <paramref name="offset"/> (two low bits ignored), or null (it reads 0).</summary>
    public static CsrRegister? At(int offset) => Registers.FirstOrDefault(r => r.Offset == (offset & OffsetMask));

    /// <summary>The docs' register table (docs/ARCHITECTURE.md, "Registers"): a test keeps the two equal.</summary>
    public static string MarkdownTable()
    {
        static string Fields(CsrRegister r) => r.Fields.Count == 0
            ? ""
            : "; " + string.Join(", ", r.Fields.Select(f => r.Name == "CTRL"
                ? $"{1u << f.Bit} {f.Name} ({f.Description})"
                : $"bit {f.Bit} {f.Name} ({f.Description})"));
        var rows = Registers.Select(r => $"| 0x{r.Offset:x2} | {r.Name} | {r.Access} | {r.Reset} | {r.Description}{Fields(r)} |");
        return "| offset | name | access | reset | meaning |\n|---|---|---|---|---|\n" + string.Join("\n", rows) + "\n";
    }
}
