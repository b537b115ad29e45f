namespace AttentionLego.Cli;

/// <summary>Every exit code of <c>attnlego</c>; docs/CLI.md lists the same table.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The check ran and found a problem: a co-simulation mismatch or lint warnings.</summary>
    public const int CheckFailed = 1;

    /// <summary>The command line itself is wrong (unknown option, missing value, bad number).</summary>
    public const int Usage = 2;

    /// <summary>The configuration is invalid (file missing or malformed, unknown key, rule violated).</summary>
    public const int InvalidConfig = 3;

    /// <summary>Output could not be written (folder not empty, not writable).</summary>
    public const int OutputError = 4;

    /// <summary>A required tool (Verilator) is missing or too old.</summary>
    public const int ToolMissing = 5;

    /// <summary>A tool failed (Verilator could not build the generated code).</summary>
    public const int ToolFailed = 6;

    /// <summary>A simulation did not finish within its time limit.</summary>
    public const int Timeout = 7;

    /// <summary>The simulator crashed: it died on a signal or exited non-zero without writing its trace's end marker (a tool failure, never an RTL mismatch).</summary>
    public const int SimulatorCrashed = 8;

    /// <summary>The run is far beyond what this machine can do (memory, disk or time); the message gives the estimate and the limit.</summary>
    public const int BeyondMachine = 9;

    /// <summary>Stopped by SIGINT (Ctrl+C): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>A bug in attnlego itself.</summary>
    public const int Internal = 70;

    /// <summary>The exit code of a library session's verdict.</summary>
    public static int Of(Cosim.RunVerdict verdict) => verdict switch
    {
        Cosim.RunVerdict.Passed => Ok,
        Cosim.RunVerdict.Failed => CheckFailed,
        Cosim.RunVerdict.InvalidInput => InvalidConfig,
        Cosim.RunVerdict.OutputError => OutputError,
        _ => Usage,
    };
}
