using AttentionLego.Cli;

namespace AttentionLego.Tests.Support;

/// <summary>Runs the attnlego command line in-process with captured output.</summary>
public static class CliRunner
{
    public sealed record CliRun(int ExitCode, string Out, string Err)
    {
        /// <summary>A process run (<see cref="CliProcess"/>): every process seen below the command while it ran.</summary>
        public IReadOnlyList<int> Descendants { get; init; } = [];

        /// <summary>A process run that was sent a signal: whether it was, and how long the command took to end after it.</summary>
        public bool Signalled { get; init; }

        public TimeSpan? StopTime { get; init; }
    }

    public static async Task<CliRun> Attnlego(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliIo(output, error));
        TestContext.Out.WriteLine($"attnlego {string.Join(' ', args)} -> {code}\n{output}{error}");
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
