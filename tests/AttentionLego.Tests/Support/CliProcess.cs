using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Support;

/// <summary>
/// Runs <c>attnlego</c> as a real process (<c>dotnet attnlego.dll</c> from the test's output folder), for what an
/// in-process run cannot show: signals, the exit code the shell sees, processes left behind, concurrent runs on one
/// machine. Optionally sends a signal once a condition holds (a moment of the run, e.g. "a C++ compiler is running") or
/// after a delay, and records every descendant process seen, so a test can assert that none outlives the command.
/// </summary>
public static class CliProcess
{
    /// <summary>The CLI the test project builds next to itself.</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "attnlego.dll");

    /// <summary>Runs attnlego with <paramref name="args"/>; see <see cref="ProcessOptions"/>.</summary>
    public static async Task<CliRun> RunAsync(IReadOnlyList<string> args, ProcessOptions? options = null)
    {
        Tier.RequireTools("attnlego as a process");
        options ??= new ProcessOptions();
        // Through env(1), which resets SIGINT and SIGTERM to their defaults and then execs dotnet (same pid): a test host
        // started in the background of a non-interactive shell (as CI may start it) ignores SIGINT, every process it
        // starts inherits that, and the .NET runtime then never installs its handler, so the command would not see the
        // signal the test sends. A user's Ctrl+C reaches a CLI started from a terminal with the default disposition.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = options.WorkingDirectory ?? Directory.GetCurrentDirectory(),
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--default-signal=INT,TERM");
        start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value;
        }

        var output = new StringBuilder();
        var error = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        var clock = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var seen = new HashSet<int>();
        TimeSpan? signalledAt = null;
        var exited = process.WaitForExitAsync();
        var deadline = clock.Elapsed + options.Limit;
        while (!exited.IsCompleted)
        {
            var family = ProcessTree.Descendants(process.Id);
            seen.UnionWith(family.Select(p => p.Pid));
            if (signalledAt is null && options.Signal is { } signal && options.ShouldSignal(clock.Elapsed, family, Snapshot(output, error), process.Id))
            {
                seen.UnionWith(ProcessTree.Descendants(process.Id).Select(p => p.Pid));
                Native.kill(process.Id, signal);
                signalledAt = clock.Elapsed;
            }

            if (clock.Elapsed > deadline)
            {
                process.Kill(entireProcessTree: true);
                await exited;
                Assert.Fail($"attnlego {string.Join(' ', args)} did not end within {options.Limit.TotalSeconds:0} s; it was killed.\n{output}{error}");
            }

            await Task.WhenAny(exited, Task.Delay(options.Poll));
        }

        await exited;
        process.WaitForExit(); // drains the output events
        var elapsed = clock.Elapsed;
        var run = new CliRun(process.ExitCode, output.ToString(), error.ToString())
        {
            Descendants = [.. seen],
            StopTime = signalledAt is { } at ? elapsed - at : null,
            Signalled = signalledAt is not null,
        };
        TestContext.Out.WriteLine($"[process] attnlego {string.Join(' ', args)} -> {run.ExitCode} after {elapsed.TotalSeconds:0.00} s" +
                                  (run.StopTime is { } stop ? $" (signal at {signalledAt!.Value.TotalSeconds:0.00} s, stopped {stop.TotalSeconds:0.00} s later)" : "") +
                                  $"\n{run.Out}{run.Err}");
        return run;
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (text)
        {
            text.Append(line).Append('\n');
        }
    }

    private static string Snapshot(StringBuilder output, StringBuilder error)
    {
        lock (output)
        {
            lock (error)
            {
                return output.ToString() + error;
            }
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        public static extern int kill(int pid, int signal);

        public static void kill(int pid, PosixSignal signal) => kill(pid, signal switch
        {
            PosixSignal.SIGINT => 2,
            PosixSignal.SIGTERM => 15,
            PosixSignal.SIGQUIT => 3,
            PosixSignal.SIGHUP => 1,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "not a signal these tests send"),
        });
    }
}

/// <summary>How <see cref="CliProcess.RunAsync"/> runs the command.</summary>
public sealed record ProcessOptions
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyList<(string Name, string Value)> Environment { get; init; } = [];

    /// <summary>A signal to send (SIGINT, SIGTERM) once <see cref="When"/> holds, or after <see cref="After"/>; none by default.</summary>
    public PosixSignal? Signal { get; init; }

    /// <summary>The signal is sent no earlier than this.</summary>
    public TimeSpan After { get; init; } = TimeSpan.Zero;

    /// <summary>The signal is sent once this holds (and <see cref="After"/> has passed): the run's descendants and output so far.</summary>
    public Func<IReadOnlyList<ProcessInfo>, string, bool>? When { get; init; }

    /// <summary>
    /// The signal is sent once this holds too: the command's own process id, e.g. to wait for an amount of CPU time the
    /// process has used (a moment of its work that does not stretch with the machine's load, as wall time does).
    /// </summary>
    public Func<int, bool>? WhenProcess { get; init; }

    /// <summary>The run is killed, and the test fails, after this long.</summary>
    public TimeSpan Limit { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan Poll { get; init; } = TimeSpan.FromMilliseconds(25);

    internal bool ShouldSignal(TimeSpan elapsed, IReadOnlyList<ProcessInfo> family, string output, int pid) =>
        elapsed >= After && (When is null || When(family, output)) && (WhenProcess is null || WhenProcess(pid));
}

/// <summary>A process seen below the command: its pid and its name (<c>/proc/pid/comm</c>, e.g. <c>cc1plus</c>, <c>make</c>).</summary>
public sealed record ProcessInfo(int Pid, int ParentPid, string Name);

/// <summary>Reads the process tree from <c>/proc</c>.</summary>
public static class ProcessTree
{
    /// <summary>Every live process whose chain of parents leads to <paramref name="root"/> (not the root itself).</summary>
    public static IReadOnlyList<ProcessInfo> Descendants(int root)
    {
        var all = new List<ProcessInfo>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var close = stat.LastIndexOf(')');
                var name = stat[(stat.IndexOf('(') + 1)..close];
                var rest = stat[(close + 2)..].Split(' ');
                all.Add(new ProcessInfo(pid, int.Parse(rest[1], CultureInfo.InvariantCulture), name));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentOutOfRangeException)
            {
                // gone meanwhile
            }
        }

        var children = all.ToLookup(p => p.ParentPid);
        var result = new List<ProcessInfo>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
        {
            foreach (var child in children[queue.Dequeue()])
            {
                result.Add(child);
                queue.Enqueue(child.Pid);
            }
        }

        return result;
    }
}
