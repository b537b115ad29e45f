using System.Runtime.InteropServices;
using AttentionLego.Gen.IO;

namespace AttentionLego.Cli;

/// <summary>
/// SIGINT (Ctrl+C) and SIGTERM for a whole <c>attnlego</c> process: the first one cancels <see cref="Token"/>, which every
/// command passes down (a running tool and every process it started are ended the moment it is cancelled, by
/// <see cref="ChildProcesses.KillTree"/>; and each command's <c>finally</c> blocks remove what it was making); the command then ends with one line on stderr and exit 130 (SIGINT) or 143 (SIGTERM). A command that has not
/// stopped within <see cref="Grace"/>, or a second signal, ends the process at once: every process it started is killed
/// (<see cref="ChildProcesses.KillAll"/>), what <see cref="Scratch"/> holds is removed, the line is printed, and the
/// process exits with that code. Either way no stack trace, no partial output, no orphan process.
/// </summary>
public sealed class Interruption : IDisposable
{
    /// <summary>How long a command may take to stop after the signal before the process is ended for it (the contract is 2 s).</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(1500);

    private const int SigInt = 2;
    private const int SigTerm = 15;

    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TextWriter _err;
    private int _signal; // 0 until the first signal, then its number: whether one came and which, in one word
    private int _reported;
    private int _disposed;

    internal Interruption(TextWriter err) => _err = err;

    /// <summary>Cancelled by the first SIGINT or SIGTERM.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>The signal that stopped the process, or null while none came.</summary>
    public PosixSignal? Signal => Volatile.Read(ref _signal) switch
    {
        0 => null,
        SigTerm => PosixSignal.SIGTERM,
        _ => PosixSignal.SIGINT,
    };

    /// <summary>The command being run, for the line printed at the end ("attnlego cosim").</summary>
    public string Command { get; set; } = "attnlego";

    public bool Requested => Volatile.Read(ref _signal) != 0;

    /// <summary>"SIGINT" or "SIGTERM" once a signal stopped this process, for a command that records it (regress's JUnit); null before.</summary>
    public static string? Received { get; private set; }

    /// <summary>130 after SIGINT, 143 after SIGTERM (128 + the signal's number, as shells report it).</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Starts listening to SIGINT and SIGTERM for this process.</summary>
    public static Interruption Listen(TextWriter err)
    {
        var interruption = new Interruption(err);
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            interruption._registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                context.Cancel = true; // the command stops itself; the runtime must not end the process first
                interruption.Request(context.Signal);
            }));
        }

        return interruption;
    }

    /// <summary>Stops the command as a signal would (the signal handler calls this; tests may too).</summary>
    public void Request(PosixSignal signal)
    {
        // The signal is recorded in the same atomic step that marks the request: whoever sees Requested (a command that
        // ends just as a SIGTERM lands) sees which signal it was, never a request without one, reported as SIGINT.
        if (Interlocked.CompareExchange(ref _signal, signal == PosixSignal.SIGTERM ? SigTerm : SigInt, 0) != 0)
        {
            Exit(); // a second signal: the user does not want to wait
            return;
        }

        Received = signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        _ = Task.Run(async () =>
        {
            await Task.Delay(Grace);
            if (Volatile.Read(ref _disposed) == 0)
            {
                Exit();
            }
        });
        _cts.Cancel();
    }

    /// <summary>The one line a stopped command prints (once, whichever path gets there first).</summary>
    public void Report()
    {
        if (Interlocked.Exchange(ref _reported, 1) != 0)
        {
            return;
        }

        var name = Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        _err.WriteLine($"interrupted: {Command} stopped on {name} (exit {ExitCode}); nothing it was writing was left behind.");
        _err.Flush();
    }

    private void Exit()
    {
        ChildProcesses.KillAll(); // first, so that no tool writes into what is removed next
        Scratch.DeleteAll();
        Report();
        Environment.Exit(ExitCode);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, 1); // the command has returned: nothing is left to end by force
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _cts.Dispose();
    }
}
