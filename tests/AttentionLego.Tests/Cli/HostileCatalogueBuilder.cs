using AttentionLego.Tests.Support;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>Collects hostile cases; each HostileCases.*.cs file adds one class of them (issue 16).</summary>
public sealed class HostileCatalogueBuilder
{
    public List<HostileCase> Cases { get; } = [];

    /// <summary>
    /// Adds a case: the command it feeds, its id (unique, also the docs row), the input in words, the exit code, a fragment
    /// of the message naming the problem and one naming the fix, and how to run it. A case with <paramref name="process"/>
    /// runs as a real process in the sandbox's cwd/ (signals, concurrency, default paths); so does a case with
    /// <paramref name="env"/>, whose variables (stand-in tools, a PATH without the compiler) are set for that process alone:
    /// set in the test process they would reach every fixture running beside it.
    /// </summary>
    public HostileCase Add(string command, string id, string input, int exit, string problem, string fix, Func<Sandbox, string[]> args,
        Action<Sandbox>? setup = null, Func<Sandbox, (string, string)[]>? env = null, Func<string, bool>? mayLeave = null,
        Func<Sandbox, CliRun, Task>? check = null, ProcessOptions? process = null, bool tools = false)
    {
        var c = new HostileCase(id, input, exit, problem, fix)
        {
            Command = command,
            Args = args,
            Setup = setup,
            Environment = env,
            MayLeave = mayLeave,
            Check = check,
            Process = process ?? (env is null ? null : new ProcessOptions()),
            InProcessTool = tools,
        };
        Cases.Add(c);
        return c;
    }
}
