using System.Globalization;

namespace AttentionLego.Bench;

/// <summary>The command line of attnlego-bench.</summary>
public sealed record BenchArguments(BenchOptions Options, string Out, string Command, string? Note)
{
    public string RunsNote => Options.Quick
        ? $"Quick smoke mode (--quick): 1 run of each measurement, no paper-head simulation; figures are not medians."
        : $"Medians of {Options.Runs} runs for rendering, the warm build and the tiny head's simulations (its golden model: {Benchmarks.GoldenCallsPerRun} calls per run, so {Options.Runs * Benchmarks.GoldenCallsPerRun}); {Options.BuildRuns} cold builds; " +
          $"{Options.PaperRuns} runs of the paper head's simulation (each a minute or so); {Options.IcarusRuns} runs under Icarus. The cycles per token come from the exact timing model (computed once).";

    public static BenchArguments Parse(string[] args, string cwd)
    {
        int? runs = null, paperRuns = null, icarusRuns = null, buildRuns = null;
        var quick = false;
        string? output = null, root = null, command = null, note = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Count(int min)
            {
                var name = args[i];
                var text = Value();
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                    ? n : throw new ArgumentException($"{name} must be a whole number of at least {min}, not '{text}'.");
            }

            switch (args[i])
            {
                case "--runs": runs = Count(1); break;
                case "--paper-runs": paperRuns = Count(0); break;
                case "--icarus-runs": icarusRuns = Count(1); break;
                case "--build-runs": buildRuns = Count(1); break;
                case "--quick": quick = true; break;
                case "--out": output = Value(); break;
                case "--root": root = Value(); break;
                case "--note": note = Value(); break;
                case "--command": command = Value(); break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'.");
            }
        }

        var r = quick ? 1 : runs ?? 5;
        var resolvedRoot = root is null ? FindRoot(cwd) : Path.GetFullPath(root);
        var options = new BenchOptions(r, quick ? 0 : paperRuns ?? Math.Min(r, 3), quick ? 1 : icarusRuns ?? Math.Min(r, 3),
            quick ? 1 : buildRuns ?? Math.Min(r, 3), quick, resolvedRoot);
        return new BenchArguments(options, output ?? Path.Combine("docs", "BENCHMARKS.md"), command ?? "scripts/bench.sh " + string.Join(' ', args), note);
    }

    private static string FindRoot(string from)
    {
        for (var dir = new DirectoryInfo(from); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AttentionLego.Gen.sln")))
            {
                return dir.FullName;
            }
        }

        throw new ArgumentException($"{from} is not inside an AttentionLego.Gen clone (no AttentionLego.Gen.sln above it); pass --root.");
    }
}
