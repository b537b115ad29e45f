using System.Diagnostics;
using AttentionLego.Cosim.Benches;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Bench;

/// <summary>
/// A bench that times its golden model: <see cref="Generate"/> (stimulus and expected responses) is the golden-model
/// work of one seed, so wrapping it measures exactly what a co-simulation spends in C# for the case it simulates.
/// </summary>
public sealed class TimedBench(IModuleBench inner) : IModuleBench
{
    public string Module => inner.Module;

    public string TopModule => inner.TopModule;

    /// <summary>The duration of the last <see cref="Generate"/> call.</summary>
    public TimeSpan LastGenerate { get; private set; }

    public IReadOnlyList<RenderedFile> Sources(AttentionConfig config) => inner.Sources(config);

    public IReadOnlyList<Cosim.WaveDumps.WaveProbe> Probes(AttentionConfig config) => inner.Probes(config);

    public BenchCase Generate(AttentionConfig config, int seed)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = inner.Generate(config, seed);
        LastGenerate = stopwatch.Elapsed;
        return result;
    }
}
