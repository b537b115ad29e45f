using AttentionLego.Cli;

namespace AttentionLego.Tests.Cli;

/// <summary>Hostile cases of issue 16: valid configurations that cannot be co-simulated: refused by the validator with the reason, or simulated.</summary>
/// <remarks>
/// The shapes that used to fail to build (a vector over 4096 bits that is not a multiple of 4096, e.g.
/// <c>cosim --module pim_matrix --set Model.DModel=528</c>) now co-simulate: WideShapeCosimTests runs them on every
/// bench, and random configurations draw them (RandomConfigs.WideVector). What remains is refused by the validator.
/// </remarks>
public static partial class HostileCases
{
    public static void Shapes(HostileCatalogueBuilder b)
    {
        // 16 heads of 65536 x 1024 16-bit weights: 6.4 GB of weights, beyond the 32-bit byte addresses of the bus.
        string[] beyond = ["--set", "Model.Heads=16", "--set", "Model.DModel=65536", "--set", "Model.DHead=1024", "--set", "Format.WeightWidth=16"];
        const string Problem = "Model: needs a memory image of 6,445,089,024 bytes (the weights of 16 head(s), the tokens and the outputs), more than the 4,294,967,296 that the bus's 32-bit byte addresses reach.";
        const string Fix = "use fewer heads, a smaller Model.DModel, Model.DHead or Model.MaxSeqLen, or narrower weights";
        b.Add("config validate", "rule-memory-address-space", "`config validate` of 16 heads of 65536 x 1024 16-bit weights", ExitCodes.InvalidConfig, Problem, Fix,
            _ => ["config", "validate", "--preset", "tiny", .. beyond]);
        b.Add("cosim", "cosim-memory-beyond-32-bit-addresses", "`cosim --module top` of the same configuration", ExitCodes.InvalidConfig, Problem, Fix,
            s => ["cosim", "--module", "top", "--cache-dir", s.Cache, "--work-dir", s.Work, "--preset", "tiny", .. beyond]);
        b.Add("generate", "generate-memory-beyond-32-bit-addresses", "`generate` of the same configuration", ExitCodes.InvalidConfig, Problem, Fix,
            s => ["generate", "--out", s.Out, "--preset", "tiny", .. beyond]);

        // 11 heads of 65536 x 1024 8-bit weights on an 8-bit bus: 2.2 GB fit the addresses, but not a bench memory of bus words.
        b.Add("cosim", "cosim-memory-words-beyond-bench", "`cosim --module top` of 11 heads of 65536 x 1024 8-bit weights on an 8-bit bus", ExitCodes.InvalidConfig,
            "Bus.DataWidth: is 8, so the memory image of 2,217,061,632 bytes is 2,217,061,632 bus words, more than the 2,147,483,647 the co-simulation bench's memory holds",
            "use a wider bus (Bus.DataWidth 32 or more), or a smaller model",
            s => ["cosim", "--module", "top", "--cache-dir", s.Cache, "--work-dir", s.Work, "--preset", "tiny", "--set", "Model.Heads=11",
                "--set", "Model.DModel=65536", "--set", "Model.DHead=1024", "--set", "Bus.DataWidth=8"]);
    }
}
