using System.Globalization;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden;

namespace AttentionLego.Gen.Rendering;

/// <summary>One <c>#define</c> of the C header: its name, its C value and what it means.</summary>
public sealed record CDefine(string Name, string Value, string Comment);

/// <summary>
/// The C header software includes to drive a generated head or array: every CSR offset, bit field and error code
/// of <see cref="CsrMap"/>, and the configuration's dimensions, widths and memory layout sizes.
/// </summary>
public static class SoftwareHeader
{
    public const string FileName = "al_regs.h";
    public const string Template = "pkg/al_regs.h.sbn";

    /// <summary>The configuration's defines (numbers as <c>UINT32_C</c>/<c>UINT64_C</c>, names as strings).</summary>
    public static IReadOnlyList<CDefine> Configuration(AttentionConfig c)
    {
        var m = c.Model;
        var layout = c.Model.IsArray ? MemoryLayout.ForArray(c) : MemoryLayout.For(c);
        var headWeights = MemoryLayout.HeadWeightBytes(c);
        var woWeights = MemoryLayout.OutputProjectionWeightBytes(c);
        var weights = MemoryLayout.WeightBytes(c, m.IsArray);
        var rowElements = m.IsArray ? m.RowElements : m.DHead;
        return
        [
            new("AL_TOP_MODULE", Quote(RtlBundle.TopModule(c)), "the top module of this configuration"),
            new("AL_CONFIG_HASH_STR", Quote(GeneratorInfo.ConfigHash(c)), "the config hash (the banner of every generated file)"),
            new("AL_CONFIG_HASH", Hex(GeneratorInfo.ConfigHash32(c)), "what CONFIG_HASH reads: the hash's first 8 hex digits"),
            new("AL_ID_VALUE", Hex(CsrMap.IdValue), "what ID reads (\"ALG1\")"),
            new("AL_HEADS", Number(m.Heads), "Model.Heads"),
            new("AL_OUTPUT_PROJECTION", Number(m.OutputProjection ? 1 : 0), "Model.OutputProjection: 1 when the array applies W_O"),
            new("AL_D_MODEL", Number(m.DModel), "Model.DModel: elements of a token"),
            new("AL_D_HEAD", Number(m.DHead), "Model.DHead: elements of one head's output"),
            new("AL_MAX_SEQ_LEN", Number(m.MaxSeqLen), "Model.MaxSeqLen: tokens the caches hold (SEQ_LEN + TOKENS at most)"),
            new("AL_DATA_WIDTH", Number(c.Format.DataWidth), "Format.DataWidth: bits of an activation (token and output element)"),
            new("AL_WEIGHT_WIDTH", Number(c.Format.WeightWidth), "Format.WeightWidth: bits of a weight"),
            new("AL_BUS_WIDTH", Number(c.Bus.DataWidth), "Bus.DataWidth: bits of a memory word"),
            new("AL_BUS_BYTES", Number(c.Bus.Bytes), "bytes of a memory word: W_BASE, X_BASE and O_BASE are multiples of it"),
            new("AL_HEAD_WEIGHT_BYTES", Number(headWeights), "one head's W_Q, W_K, W_V (head h's at W_BASE + h * this)"),
            new("AL_WO_WEIGHT_BYTES", Number(woWeights), "W_O, after the last head's weights (0 without W_O)"),
            new("AL_WEIGHT_BYTES", Number(weights), "every weight LOAD reads from W_BASE"),
            new("AL_WEIGHT_WORDS", Number(weights / c.Bus.Bytes), "the same in memory words"),
            new("AL_TOKEN_BYTES", Number(layout.TokenBytes), "one token: token t at X_BASE + t * this"),
            new("AL_OUTPUT_ROW_ELEMENTS", Number(rowElements), "elements of one output row"),
            new("AL_OUTPUT_ROW_BYTES", Number(layout.OutputBytes), "one output row: row t at O_BASE + t * this"),
            new("AL_OUTPUT_ROW_WORDS", Number(layout.OutputWords), "the same in memory words"),
        ];
    }

    /// <summary>The register map's defines: offsets, then each register's fields (shift and mask), then the error codes.</summary>
    public static IReadOnlyList<CDefine> Registers()
    {
        var defines = new List<CDefine>
        {
            new("AL_CSR_ADDR_BITS", Number(CsrMap.AddressBits), "width of the CSR port's byte offset"),
        };
        defines.AddRange(CsrMap.Registers.Select(r => new CDefine("AL_REG_" + r.Name, Hex(r.Offset, 2), $"{r.Access}: {r.Description}")));
        foreach (var r in CsrMap.Registers.Where(r => r.Fields.Count > 0))
        {
            foreach (var f in r.Fields)
            {
                var stem = $"AL_{r.Name}_{f.Name}";
                if (r.Name == "CTRL")
                {
                    defines.Add(new(stem, Hex(f.Mask), $"command: {f.Description}"));
                }

                defines.Add(new(stem + "_SHIFT", Number(f.Bit), $"{r.Name} bit {f.Bit}: {f.Description}"));
                defines.Add(new(stem + "_MASK", Hex(f.Mask), ""));
            }
        }

        defines.Add(new("AL_ERROR_ALL_MASK", Hex(CsrMap.ErrorMask), "every ERROR bit (write it to ERROR to clear all)"));
        return defines;
    }

    public static string Render(AttentionConfig c) => RtlGenerator.File(Template, FileName, c, banner => new HeaderView(banner,
        Lines(Configuration(c)), Lines(Registers()))).Content;

    private static string Lines(IReadOnlyList<CDefine> defines)
    {
        var width = defines.Max(d => d.Name.Length + 1 + d.Value.Length);
        return string.Join("\n", defines.Select(d =>
        {
            var text = $"#define {d.Name} {d.Value}";
            return d.Comment.Length == 0 ? text : text.PadRight(width + 9) + $" /* {d.Comment} */";
        }));
    }

    private static string Quote(string text) => "\"" + text + "\"";

    private static string Number(long value) =>
        value <= uint.MaxValue ? $"UINT32_C({value.ToString(CultureInfo.InvariantCulture)})" : $"UINT64_C({value.ToString(CultureInfo.InvariantCulture)})";

    private static string Hex(long value, int digits = 8) => $"UINT32_C(0x{value.ToString("x" + digits, CultureInfo.InvariantCulture)})";

    private sealed record HeaderView(string Banner, string Configuration, string Registers);
}

/// <summary>The FuseSoC core (CAPI2) of a generated bundle: the modules in filelist order, the C header, a lint target.</summary>
public static class FuseSocCore
{
    public const string Template = "pkg/core.sbn";

    public static string FileName(AttentionConfig c) => RtlBundle.TopModule(c) + ".core";

    /// <summary>attentionlego:gen:&lt;top&gt;_&lt;config hash&gt;:&lt;generator version&gt;: one core per configuration.</summary>
    public static string Vlnv(AttentionConfig c) => $"attentionlego:gen:{RtlBundle.TopModule(c)}_{GeneratorInfo.ConfigHash(c)}:{GeneratorInfo.Version}";

    public static string Render(AttentionConfig c, IReadOnlyList<RenderedFile> modules)
    {
        var m = c.Model;
        var what = m.IsArray
            ? $"{m.Heads} attention heads{(m.OutputProjection ? " and W_O" : "")}"
            : "one attention head";
        var description = $"AttentionLego {what}: d_model {m.DModel}, d_head {m.DHead}, max seq {m.MaxSeqLen}, " +
                          $"bus {c.Bus.DataWidth} bits; config {GeneratorInfo.ConfigHash(c)}";
        return RtlGenerator.File(Template, FileName(c), c, banner => new CoreView("#" + banner[2..], Vlnv(c), description,
            string.Join("\n", modules.Select(f => "      - " + f.Name)), SoftwareHeader.FileName, RtlBundle.TopModule(c))).Content;
    }

    private sealed record CoreView(string Banner, string Vlnv, string Description, string Modules, string Header, string Toplevel);
}
