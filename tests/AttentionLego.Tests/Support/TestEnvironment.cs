using AttentionLego.Cosim.Tools;

namespace AttentionLego.Tests.Support;

/// <summary>Shared facts for tests: where the repository is, the Verilator to use, the build cache.</summary>
public static class TestEnvironment
{
    private static readonly Lazy<Task<(VerilatorDriver? Driver, string? Problem)>> Verilator = new(async () =>
    {
        try
        {
            return ((await VerilatorDriver.LocateAsync()).WithJobs(Parallelism.VerilatorJobs), null);
        }
        catch (ToolException ex)
        {
            return (null, ex.Message);
        }
    });

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The build cache the CLI uses too: $ATTNLEGO_CACHE, else the user's cache folder (<see cref="BuildCache.DefaultRoot"/>).</summary>
    public static string CacheRoot => BuildCache.DefaultRoot();

    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && ci != "false" && ci != "0";

    /// <summary>
    /// The Verilator driver, with a share of the cores for its builds (<see cref="Parallelism.VerilatorJobs"/>). When Verilator is missing the test fails under CI (scripts/setup.sh installs it)
    /// and is ignored on a developer machine.
    /// </summary>
    public static async Task<VerilatorDriver> RequireVerilatorAsync()
    {
        Tier.RequireTools("Verilator");
        var (driver, problem) = await Verilator.Value;
        if (driver is not null)
        {
            return driver;
        }

        if (InCi)
        {
            Assert.Fail("Verilator is required under CI: " + problem);
        }

        Assert.Ignore("Verilator is not installed: " + problem);
        throw new InvalidOperationException("unreachable");
    }

    private static readonly Lazy<Task<(IcarusDriver? Driver, string? Problem)>> Icarus = new(() => Locate(IcarusDriver.LocateAsync));

    private static readonly Lazy<Task<(YosysDriver? Driver, string? Problem)>> Yosys = new(() => Locate(YosysDriver.LocateAsync));

    /// <summary>Icarus Verilog (iverilog and vvp): as <see cref="RequireVerilatorAsync"/>, a failure under CI and ignored elsewhere.</summary>
    public static Task<IcarusDriver> RequireIcarusAsync() => Require(() => Icarus.Value, "Icarus Verilog");

    /// <summary>Yosys: as <see cref="RequireVerilatorAsync"/>, a failure under CI and ignored elsewhere.</summary>
    public static Task<YosysDriver> RequireYosysAsync() => Require(() => Yosys.Value, "Yosys");

    private static async Task<(T? Driver, string? Problem)> Locate<T>(Func<CancellationToken, Task<T>> locate)
        where T : class
    {
        try
        {
            return (await locate(CancellationToken.None), null);
        }
        catch (ToolException ex)
        {
            return (null, ex.Message);
        }
    }

    private static async Task<T> Require<T>(Func<Task<(T? Driver, string? Problem)>> located, string name)
        where T : class
    {
        Tier.RequireTools(name);
        var (driver, problem) = await located();
        if (driver is not null)
        {
            return driver;
        }

        if (InCi)
        {
            Assert.Fail($"{name} is required under CI: {problem}");
        }

        Assert.Ignore($"{name} is not installed: {problem}");
        throw new InvalidOperationException("unreachable");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AttentionLego.Gen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AttentionLego.Gen.sln not found above " + AppContext.BaseDirectory);
    }
}
