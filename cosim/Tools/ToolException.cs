namespace AttentionLego.Cosim.Tools;

/// <summary>An external tool is missing, too old, failed, crashed, or hung. The message names the problem and the fix.</summary>
public sealed class ToolException(ToolFailure failure, string message) : Exception(message)
{
    public ToolFailure Failure { get; } = failure;
}

public enum ToolFailure
{
    Missing,
    TooOld,
    Failed,
    TimedOut,

    /// <summary>The simulator died on a signal or exited non-zero without writing its trace's end marker: not an RTL verdict.</summary>
    Crashed,

    /// <summary>A setting of the tools (e.g. <c>ATTNLEGO_TIMEOUTS</c>) is malformed: a usage error (exit 2).</summary>
    Misconfigured,
}
