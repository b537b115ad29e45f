using AttentionLego.Cosim;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Scoring;
using AttentionLego.Cosim.WaveDumps;
using AttentionLego.Gen.Config;

namespace AttentionLego.Tests.Support;

/// <summary>Runs co-simulation requests for the tests: passing runs with their replay commands, and tampered ones.</summary>
public static class CosimHarness
{
    public static async Task<CosimRunner> Runner(string cache, string work, Func<BenchCase, BenchCase>? tamper = null) =>
        new(await TestEnvironment.RequireVerilatorAsync(), new CosimSettings { CacheRoot = cache, WorkRoot = work, Tamper = tamper, Waves = WaveSettings.Never });

    /// <summary>Runs <paramref name="request"/> with its expectations altered by <paramref name="tamper"/> (checker self-tests).</summary>
    public static async Task<CosimResult> RunTampered(CosimRequest request, Func<BenchCase, BenchCase> tamper)
    {
        using var temp = new TempFolder();
        var runner = await Runner(TestEnvironment.CacheRoot, temp.Combine("work"), tamper);
        return await Run(runner, request);
    }

    /// <summary>
    /// Runs <paramref name="request"/>. A paper-sized bench is built alone (<see cref="Tier.OneLargeAtATime"/>: the build is what
    /// needs the memory) and then simulated beside other work.
    /// </summary>
    public static async Task<CosimResult> Run(CosimRunner runner, CosimRequest request)
    {
        var prepared = await Tier.OneLargeAtATime(ConfigLoader.Load(request.Source), () => runner.PrepareAsync(request),
            request.Module == "all" ? "al_array" : "al_" + request.Module);
        return await runner.RunAsync(prepared);
    }

    /// <summary>The elements with the lowest bit of element 0 flipped.</summary>
    public static long[] Bump(long[] elements) => ExpectedFault.Flip(elements);

    /// <summary>The case with one expectation on <paramref name="port"/> changed: the middle one, or the last.</summary>
    public static BenchCase Tamper(BenchCase c, string port, Func<Expectation, Expectation> change, bool last = false) =>
        new ExpectedFault(port, last ? c.Expected.Count(e => e.Port == port && e.ValueChecked) : null).Apply(c, change);

    /// <summary>The first mismatch of a run that must have failed.</summary>
    public static Mismatch FirstFailure(CosimResult result)
    {
        Assert.That(result.Passed, Is.False, "the checker must report the corruption");
        var mismatch = result.Cases.First(c => !c.Passed).Score.FirstMismatch!;
        TestContext.Out.WriteLine(mismatch.Describe());
        return mismatch;
    }

    /// <summary>Every seed passes and compares more than <paramref name="minCompared"/> responses; each prints its replay command.</summary>
    public static async Task AssertPasses(CosimRequest request, int minCompared)
    {
        using var temp = new TempFolder();
        var runner = await Runner(TestEnvironment.CacheRoot, temp.Combine("work"));
        var result = await Run(runner, request);
        foreach (var c in result.Cases)
        {
            TestContext.Out.WriteLine($"seed {c.Seed}: {(c.Passed ? "pass" : c.Score.FirstMismatch!.Describe())}; replay: {c.Replay}");
        }

        Assert.That(result.Cases, Has.Count.EqualTo(request.SeedCount));
        Assert.That(result.Cases.Where(c => !c.Passed).Select(c => $"{c.Score.FirstMismatch!.Describe()}\n  replay: {c.Replay}"), Is.Empty);
        Assert.That(result.Cases.Select(c => c.Score.Compared), Has.All.GreaterThan(minCompared), "every seed checks many responses");
    }
}
