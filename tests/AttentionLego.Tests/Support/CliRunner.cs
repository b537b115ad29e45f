using AttentionLego.Cli;

namespace AttentionLego.Tests.Support;

/// <summary>Runs the attnlego command line in-process with captured output.</summary>
public static class CliRunner
{
    public sealed record CliRun(int ExitCode, string Out, string Err);

    public static async Task<CliRun> Attnlego(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliIo(output, error));
        TestContext.Out.WriteLine($"attnlego {string.Join(' ', args)} -> {code}\n{output}{error}");
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
