namespace AttentionLego.Cosim.Benches;

/// <summary>
/// A module bench whose testbench is a template of its own: the sources are <c>al_&lt;module&gt;</c>'s hierarchy and
/// <c>templates/tb/al_tb_&lt;module&gt;.v.sbn</c>, rendered from the module's view-model (<see cref="View"/>) and the bench's
/// stimulus kinds (<paramref name="ops"/>, which the template reads as <c>ops</c> instead of literals).
/// </summary>
public abstract class TemplateBench(string module, StimulusOps? ops = null) : IModuleBench
{
    public string Module => module;

    public string TopModule => $"al_tb_{module}";

    public IReadOnlyList<RenderedFile> Sources(AttentionConfig config) =>
    [
        .. RtlGenerator.Hierarchy(config, $"al_{module}"),
        RtlGenerator.File($"tb/{TopModule}.v.sbn", $"{TopModule}.v", config, banner => View(config, banner), ops),
    ];

    public abstract BenchCase Generate(AttentionConfig config, int seed);

    public abstract IReadOnlyList<WaveProbe> Probes(AttentionConfig config);

    /// <summary>The view-model the testbench template renders (and the bench reads its widths from, with an empty banner).</summary>
    protected abstract object View(AttentionConfig config, string banner);
}
