using System.Globalization;
using AttentionLego.Cosim.Benches;

namespace AttentionLego.Cosim.Regression;

/// <summary>
/// One case of a regression: a configuration (named by <see cref="ConfigLabel"/>), a module with its bench options, and
/// one seed. <see cref="Id"/> (<c>label/variant/seed-N</c>) is stable, unique within a regression, and names the case's
/// artifact folder.
/// </summary>
public sealed record RegressCase(string ConfigLabel, ConfigSource Source, string Module, int Seed, TopOptions? Top = null)
{
    /// <summary>The module and, for <c>top</c> and <c>array</c>, the bench options that differ from the defaults, e.g. <c>top-t8-lat5-stalls</c>.</summary>
    public string Variant => !ModuleBenches.IsWhole(Module) || Top is null ? Module
        : Module + (Top.Tokens is { } t ? string.Create(CultureInfo.InvariantCulture, $"-t{t}") : "")
                 + (Top.MemoryLatency != new TopOptions().MemoryLatency ? string.Create(CultureInfo.InvariantCulture, $"-lat{Top.MemoryLatency}") : "")
                 + (Top.Stalls ? "-stalls" : "") + (Top.Preload ? "-preload" : "");

    public string Id => string.Create(CultureInfo.InvariantCulture, $"{ConfigLabel}/{Variant}/seed-{Seed}");

    /// <summary>The JUnit test name: <c>variant/seed-N</c> (the class name is the configuration's label).</summary>
    public string TestName => string.Create(CultureInfo.InvariantCulture, $"{Variant}/seed-{Seed}");

    /// <summary>Cases with the same build key share one Verilator build: the bench options do not change the build.</summary>
    public string BuildGroup => $"{ConfigLabel}/{Module}";

    /// <summary>Cases that share a prepared bench (configuration, module and options); they differ only in the seed.</summary>
    public string RequestKey => $"{ConfigLabel}/{Variant}";

    public CosimRequest Request => new(Source, Module, Seed, 1, ModuleBenches.IsWhole(Module) ? Top : null) { WorkFolder = RequestKey };

    public string Replay => Request.ReplayCommand(Seed);
}
