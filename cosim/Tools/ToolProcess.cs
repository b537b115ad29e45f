using System.Globalization;
using AttentionLego.Gen.IO;
using CliWrap;
using CliWrap.Buffered;

namespace AttentionLego.Cosim.Tools;

/// <summary>What an external tool is asked to do; each kind of step has its own time limit (<see cref="ToolProcess.Limit"/>).</summary>
public enum ToolStep
{
    /// <summary>A version check (<c>verilator --version</c>, <c>iverilog -V</c>, <c>yosys -V</c>): 20 s.</summary>
    Probe,

    /// <summary>A simulator build (Verilator and the C++ compiler, or iverilog): 60 min.</summary>
    Build,

    /// <summary>One module's <c>verilator --lint-only</c>: 30 min.</summary>
    Lint,

    /// <summary>A wave conversion (<c>fst2vcd</c>): 10 min.</summary>
    Convert,
}

/// <summary>
/// Runs an external tool with a time limit and ends it cleanly: on the limit, or when the command is cancelled (SIGINT,
/// SIGTERM), the tool and every process it started are stopped and killed at once (<see cref="ChildProcesses"/>), and a
/// limit reached is a <see cref="ToolException"/> (<see cref="ToolFailure.TimedOut"/>, exit 7) that names the tool, what
/// it was doing, the limit and the fix. Every external call of attnlego but the simulations (which have <c>--timeout</c>)
/// and Yosys's statistics (<c>report --yosys-timeout</c>) goes through here.
/// </summary>
public static class ToolProcess
{
    /// <summary>Overrides the limits, e.g. <c>ATTNLEGO_TIMEOUTS=probe=60,build=7200</c> (seconds; keys probe, build, lint, convert).</summary>
    public const string TimeoutsVariable = "ATTNLEGO_TIMEOUTS";

    /// <summary>The largest limit <see cref="TimeoutsVariable"/> may set: one week.</summary>
    public const int MaxSeconds = 7 * 24 * 3600;

    /// <summary>How long CliWrap's own kill waits behind ours, in case ours could not end the process.</summary>
    private static readonly TimeSpan Fallback = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The default limit of each step. A version check answers in well under a second; 20 s allow for a machine under
    /// heavy load. The largest build that fits the run-cost bound takes minutes; an hour means a stuck compiler. A lint of the
    /// paper-size matrix takes minutes; half an hour means a stuck Verilator. fst2vcd converts hundreds of MB a minute.
    /// </summary>
    public static TimeSpan DefaultLimit(ToolStep step) => step switch
    {
        ToolStep.Probe => TimeSpan.FromSeconds(20),
        ToolStep.Build => TimeSpan.FromMinutes(60),
        ToolStep.Lint => TimeSpan.FromMinutes(30),
        _ => TimeSpan.FromMinutes(10),
    };

    /// <summary>The limit of <paramref name="step"/>: <see cref="TimeoutsVariable"/>'s value for it, else the default.</summary>
    public static TimeSpan Limit(ToolStep step) =>
        Limits(Environment.GetEnvironmentVariable(TimeoutsVariable)).TryGetValue(step, out var limit) ? limit : DefaultLimit(step);

    /// <summary>
    /// Parses <see cref="TimeoutsVariable"/>'s value (comma-separated <c>step=seconds</c>); throws a <see cref="ToolException"/>
    /// (<see cref="ToolFailure.Misconfigured"/>, exit 2) that quotes the bad part.
    /// </summary>
    public static IReadOnlyDictionary<ToolStep, TimeSpan> Limits(string? text)
    {
        var limits = new Dictionary<ToolStep, TimeSpan>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return limits;
        }

        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            var known = Enum.GetValues<ToolStep>().Where(s => Key(s) == pair[0]).ToList();
            if (pair.Length != 2 || known.Count == 0 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ||
                seconds < 1 || seconds > MaxSeconds)
            {
                throw new ToolException(ToolFailure.Misconfigured,
                    $"{TimeoutsVariable}: \"{Excerpt.Of(part)}\" is not step=seconds. Fix: write e.g. {TimeoutsVariable}=probe=60,build=7200 " +
                    $"(steps {string.Join(", ", Enum.GetValues<ToolStep>().Select(Key))}; 1 to {MaxSeconds} seconds), or unset it for the defaults.");
            }

            limits[known[0]] = TimeSpan.FromSeconds(seconds);
        }

        return limits;
    }

    /// <summary>The step's key in <see cref="TimeoutsVariable"/>: probe, build, lint, convert.</summary>
    public static string Key(ToolStep step) => step.ToString().ToLowerInvariant();

    /// <summary>
    /// Runs <paramref name="command"/> (its validation off: the caller reads the exit code) within the limit of
    /// <paramref name="step"/> (or <paramref name="limit"/>). <paramref name="what"/> names the call for the message
    /// ("verilator --version", "the build of al_tb_softmax"); <paramref name="fix"/> is what the user can do about a hung tool.
    /// </summary>
    public static Task<CommandResult> ExecuteAsync(Command command, ToolStep step, string what, string fix, CancellationToken ct, TimeSpan? limit = null) =>
        RunAsync(token => command.WithValidation(CommandResultValidation.None).ExecuteAsync(token), r => r.ExitCode, step, what, fix, limit, ct);

    /// <summary><see cref="ExecuteAsync"/> with the standard output and error buffered.</summary>
    public static Task<BufferedCommandResult> ExecuteBufferedAsync(Command command, ToolStep step, string what, string fix, CancellationToken ct,
        TimeSpan? limit = null) =>
        RunAsync(token => command.WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(token), r => r.ExitCode, step, what, fix, limit, ct);

    private static async Task<T> RunAsync<T>(Func<CancellationToken, CommandTask<T>> start, Func<T, int> exitCode, ToolStep step, string what, string fix,
        TimeSpan? limit, CancellationToken ct)
    {
        var budget = limit ?? Limit(step);
        ct.ThrowIfCancellationRequested();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        stop.CancelAfter(budget);
        using var fallback = new CancellationTokenSource();
        var task = start(fallback.Token);
        var pid = task.ProcessId;
        T result;
        await using (stop.Token.Register(() =>
                     {
                         ChildProcesses.KillTree(pid);
                         fallback.CancelAfter(Fallback);
                     }))
        {
            try
            {
                result = await task;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                ct.ThrowIfCancellationRequested();
                throw TimedOut(step, what, fix, budget);
            }
        }

        ct.ThrowIfCancellationRequested();
        // Killed by the limit (a tool that exits 0 just as the limit strikes has finished: its result stands).
        return stop.IsCancellationRequested && exitCode(result) != 0 ? throw TimedOut(step, what, fix, budget) : result;
    }

    private static ToolException TimedOut(ToolStep step, string what, string fix, TimeSpan limit)
    {
        var seconds = (int)Math.Ceiling(limit.TotalSeconds);
        return new ToolException(ToolFailure.TimedOut,
            $"{what} did not finish within {seconds} s and was stopped, with every process it started. Fix: {fix.TrimEnd('.')}; " +
            $"or, if it only needs longer on this machine, raise the limit: {TimeoutsVariable}={Key(step)}={Math.Min(MaxSeconds, seconds * 4)}.");
    }
}
