namespace AttentionLego.Cosim;

/// <summary>How a co-simulation or regression session ended; the CLI maps each to its exit code (<c>ExitCodes.Of</c>).</summary>
public enum RunVerdict
{
    /// <summary>Every case passed (or the cases were only listed).</summary>
    Passed,

    /// <summary>A case failed, or the run would check nothing.</summary>
    Failed,

    /// <summary>The options contradict each other, exceed a bound, or ask for something the configuration cannot do.</summary>
    Usage,

    /// <summary>An input file (a regression matrix, or a configuration it names) is invalid.</summary>
    InvalidInput,

    /// <summary>An output folder or file cannot be written, or another run holds it.</summary>
    OutputError,
}
