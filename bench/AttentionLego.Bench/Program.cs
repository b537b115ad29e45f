using System.Globalization;
using System.Runtime.InteropServices;
using AttentionLego.Bench;
using AttentionLego.Cosim.Tools;
using CliWrap;
using CliWrap.Buffered;

// attnlego-bench: issue 7's benchmarks in one run; scripts/bench.sh builds and runs it. Exit 0 when every measurement
// was taken (a missed target included: it is a measurement, not a test), 1 when one could not be taken, 2 on bad usage.
BenchArguments parsed;
try
{
    parsed = BenchArguments.Parse(args, Directory.GetCurrentDirectory());
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: attnlego-bench [--runs N] [--paper-runs N] [--icarus-runs N] [--build-runs N] [--quick] [--out FILE] [--root DIR] [--note TEXT] [--command TEXT]");
    return 2;
}

var inv = CultureInfo.InvariantCulture;
var options = parsed.Options;
var machine = new List<(string, string)>
{
    ("cores (nproc)", Environment.ProcessorCount.ToString(inv)),
    ("CPU", Machine.CpuModel()),
    ("OS", Machine.OsName()),
    (".NET", RuntimeInformation.FrameworkDescription),
    ("Verilator", await Machine.ToolVersion("verilator", "--version")),
    ("Icarus Verilog", await Machine.ToolVersion("iverilog", "-V")),
    ("Yosys", await Machine.ToolVersion("yosys", "-V")),
    ("load average at start", Machine.LoadAverage()),
};
var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", inv);
Console.Error.WriteLine($"bench: {parsed.RunsNote}");
var started = System.Diagnostics.Stopwatch.StartNew();
IReadOnlyList<Section> sections;
IReadOnlyList<TargetResult> targets;
try
{
    (sections, targets) = await new Benchmarks(options, line => Console.Error.WriteLine("bench: " + line)).RunAsync();
}
catch (Exception ex) when (ex is BenchException or ToolException)
{
    Console.Error.WriteLine($"error: a measurement could not be taken: {ex.Message}");
    Console.Error.WriteLine($"{parsed.Out} was not written.");
    return 1;
}

machine.Add(("load average at end", Machine.LoadAverage()));
machine.Add(("bench wall time", $"{started.Elapsed.TotalMinutes.ToString("0.0", inv)} min"));
if (parsed.Note is { } note)
{
    machine.Add(("conditions", note));
}

var report = new BenchReport(machine, date, parsed.Command, parsed.RunsNote, sections, targets);
Console.Write(report.ToText());
var outPath = Path.GetFullPath(parsed.Out, options.Root);
Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
var temp = outPath + ".tmp-" + Environment.ProcessId.ToString(inv);
await File.WriteAllTextAsync(temp, report.ToMarkdown());
File.Move(temp, outPath, overwrite: true); // atomic on one file system: a reader sees the old file or the new one
Console.WriteLine($"wrote {Path.GetRelativePath(options.Root, outPath)}");
if (report.Missed.Count > 0)
{
    Console.WriteLine("NOTE: targets missed (see FAIL above); the bench still exits 0 because it measures, it does not test.");
}

return 0;

/// <summary>What the report says about the machine.</summary>
internal static class Machine
{
    public static string CpuModel() => ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();

    public static string OsName() => ReadField("/etc/os-release", "PRETTY_NAME")?.Trim('"') ?? RuntimeInformation.OSDescription;

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public static async Task<string> ToolVersion(string tool, string flag)
    {
        try
        {
            var run = await Cli.Wrap(tool).WithArguments([flag]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            return (run.StandardOutput + run.StandardError).Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim() ?? "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }

    private static string? ReadField(string file, string key) => !File.Exists(file) ? null : File.ReadLines(file)
        .Select(l => l.Split(l.Contains(':', StringComparison.Ordinal) ? ':' : '=', 2))
        .Where(p => p.Length == 2 && p[0].Trim() == key).Select(p => p[1].Trim()).FirstOrDefault();
}
