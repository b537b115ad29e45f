using AttentionLego.Cosim;
using AttentionLego.Gen.Config;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace AttentionLego.Tests.Support;

/// <summary>
/// The test tiers of scripts/test.sh: <c>--quick</c> runs the tests without <see cref="Tools"/>, <c>--tools</c> those with
/// it but without <see cref="Large"/>, the default run all of them. A test that starts an external program (Verilator,
/// Icarus, Yosys, a C compiler, fst2vcd, the CLI as a process) carries <see cref="Tools"/>; one at paper size also
/// <see cref="Large"/>. <see cref="RequireTools"/> fails a test that starts a tool without the category, so none slips
/// into the quick tier; and <c>--quick</c> points the tool override variables (ATTNLEGO_VERILATOR, ...) at a program that is
/// not there, so a command run in-process that would start one fails too.
/// </summary>
public static class Tier
{
    public const string Tools = "Tools";

    public const string Large = "Large";

    /// <summary>Fails the running test when neither it nor a fixture around it carries <paramref name="category"/>.</summary>
    public static void RequireCategory(string category, string what)
    {
        var test = TestExecutionContext.CurrentContext.CurrentTest;
        if (Carries(test, category))
        {
            return;
        }

        Assert.Fail($"{test.FullName} {what} but carries no [Category(Tier.{category})]: " +
                    $"scripts/test.sh --quick would run it. Fix: add the category to the test or its fixture.");
    }

    /// <summary>Whether <paramref name="test"/> or a suite around it (its method, fixture, namespace) carries <paramref name="category"/>.</summary>
    public static bool Carries(ITest test, string category)
    {
        for (ITest? t = test; t is not null; t = t.Parent)
        {
            if (t.Properties[PropertyNames.Category].Contains(category))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><see cref="RequireCategory"/> for a test about to start <paramref name="tool"/>.</summary>
    public static void RequireTools(string tool) => RequireCategory(Tools, "starts " + tool);

    /// <summary>
    /// Paper-sized: a million PIM cells or more in the whole design (paper's head holds 128 macros of 128 x 128, two million;
    /// the largest tiny shape a few hundred thousand). Its Verilator build or lint takes minutes and gigabytes.
    /// </summary>
    /// <param name="top">The module built or linted as the top; al_array (the whole design) unless a bench builds less.</param>
    public static bool IsLarge(AttentionConfig c, string top = "al_array") => Linter.ElaboratedMacros(c, top) * c.Pim.Rows * c.Pim.Cols >= 1 << 20;

    /// <summary>A case of <paramref name="preset"/>, in <see cref="Large"/> when the preset is (<see cref="IsLarge"/>).</summary>
    public static TestCaseData Sized(this TestCaseData data, string preset) =>
        IsLarge(Presets.Find(preset)!.Config) ? data.SetCategory(Large) : data;

    /// <summary>A case of <paramref name="config"/>, in <see cref="Large"/> when it is (<see cref="IsLarge"/>).</summary>
    public static TestCaseData Sized(this TestCaseData data, AttentionConfig config) => IsLarge(config) ? data.SetCategory(Large) : data;

    /// <summary>At most one paper-sized build or lint at a time in the test process: two at once may need more memory than CI has.</summary>
    private static readonly SemaphoreSlim LargeWork = new(1, 1);

    /// <summary>
    /// Runs <paramref name="work"/> on <paramref name="config"/>: at once when it is small; when it is <see cref="IsLarge"/>, only in
    /// a test that carries <see cref="Large"/> (else the test fails: --tools would run it) and one such at a time.
    /// </summary>
    public static async Task<T> OneLargeAtATime<T>(AttentionConfig config, Func<Task<T>> work, string top = "al_array")
    {
        if (!IsLarge(config, top))
        {
            return await work();
        }

        RequireCategory(Large, "builds or lints a paper-sized design");
        await LargeWork.WaitAsync();
        try
        {
            return await work();
        }
        finally
        {
            LargeWork.Release();
        }
    }
}
