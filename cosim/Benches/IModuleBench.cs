namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Everything co-simulation needs to know about one module: the sources to build (DUT and file-driven bench),
/// and, from a seed, the stimulus file and the responses the golden model and CycleModel predict for it.
/// </summary>
public interface IModuleBench
{
    /// <summary>The <c>--module</c> name, e.g. <c>pim_matrix</c>.</summary>
    string Module { get; }

    /// <summary>The bench's top module, e.g. <c>al_tb_pim_matrix</c>.</summary>
    string TopModule { get; }

    /// <summary>RTL and bench files in compile order (the Verilator main is added by the runner).</summary>
    IReadOnlyList<RenderedFile> Sources(AttentionConfig config);

    BenchCase Generate(AttentionConfig config, int seed);

    /// <summary>Where each of the bench's trace ports lives in the RTL (golden waves and <c>--waves</c> use them).</summary>
    IReadOnlyList<WaveProbe> Probes(AttentionConfig config);

    /// <summary>
    /// <see cref="Generate(AttentionConfig, int)"/>, stopping when <paramref name="ct"/> is cancelled: benches whose golden
    /// models run long at large sizes (<see cref="TopBench"/>: minutes at paper-mha) check it; the others are quick.
    /// </summary>
    BenchCase Generate(AttentionConfig config, int seed, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Generate(config, seed);
    }
}

/// <summary>A stimulus file's text, the predicted responses, and a cycle budget past which the DUT counts as hung.</summary>
/// <remarks><paramref name="PerPort"/>: compare each port's responses in order on their own (<see cref="Scoreboard.ComparePerPort"/>).</remarks>
public sealed record BenchCase(string Stimulus, IReadOnlyList<Expectation> Expected, long CycleBudget, bool PerPort = false)
{
    /// <summary>Files the bench reads besides its stimulus, written into the case's folder (names relative to it), streamed.</summary>
    public IEnumerable<BenchFile> Files { get; init; } = [];

    /// <summary>Plusargs of the simulation besides the stimulus, trace and cycle budget.</summary>
    public IReadOnlyList<string> Plusargs { get; init; } = [];
}

/// <summary>A file of a bench case: its path relative to the case's folder, and its text.</summary>
public sealed record BenchFile(string Name, string Content);

/// <summary>The <c>--module</c> names co-simulation knows.</summary>
public static class ModuleBenches
{
    public static IReadOnlyList<IModuleBench> All { get; } = [new PimMacroBench(), new PimMatrixBench(), new RequantBench(), new QkvBench(), new ScoreBench(), new SoftmaxBench(), new ContextBench(), new TopBench(), new TopBench(array: true), new DmaBench(), new ControllerBench(), new ArbiterBench()];

    public static string Names => string.Join(", ", All.Select(b => b.Module));

    public static IModuleBench? Find(string module) => All.FirstOrDefault(b => b.Module == module);

    /// <summary>The bench for <paramref name="module"/> with the whole-head options applied (they matter only to <c>top</c> and <c>array</c>).</summary>
    public static IModuleBench? Find(string module, TopOptions? top) => module switch
    {
        "top" when top is not null => new TopBench(top),
        "array" when top is not null => new TopBench(top, array: true),
        _ => Find(module),
    };

    /// <summary>The modules that take the whole-head options (--tokens, --mem-latency, --stalls).</summary>
    public static bool IsWhole(string module) => module is "top" or "array";
}
