using AttentionLego.Cli;
using AttentionLego.Cosim.Tools;
using static AttentionLego.Tests.Support.CliRunner;

namespace AttentionLego.Tests.Cli;

/// <summary>The attnlego command line with ATTNLEGO_VERILATOR pointing at a program that is no Verilator.</summary>
[NonParallelizable] // sets ATTNLEGO_VERILATOR, which the whole process sees
public sealed class CliToolOverrideTests
{
    [Test]
    public async Task A_missing_verilator_is_named_with_its_fix()
    {
        using var env = new EnvironmentVariable(VerilatorDriver.OverrideVariable, "/nonexistent/verilator");
        var run = await Attnlego("cosim", "--module", "pim_macro");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ToolMissing));
        Assert.That(run.Err, Does.Contain("verilator was not found").And.Contain("scripts/setup.sh"));
    }

    [Test]
    public async Task A_verilator_that_is_not_verilator_is_refused()
    {
        using var env = new EnvironmentVariable(VerilatorDriver.OverrideVariable, "/bin/false");
        var run = await Attnlego("lint", "--preset", "tiny");
        Assert.That(run.ExitCode, Is.EqualTo(ExitCodes.ToolFailed));
        Assert.That(run.Err, Does.Contain("not a Verilator version"));
    }

    /// <summary>Sets an environment variable for the scope of a test and restores it afterwards.</summary>
    private sealed class EnvironmentVariable : IDisposable
    {
        private readonly string _name;
        private readonly string? _old;

        public EnvironmentVariable(string name, string value)
        {
            _name = name;
            _old = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose() => Environment.SetEnvironmentVariable(_name, _old);
    }
}
