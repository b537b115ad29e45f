using System.Diagnostics;
using AttentionLego.Gen.IO;
using AttentionLego.Tests.Cli;

namespace AttentionLego.Tests.IO;

/// <summary>Killing a tool's whole tree: deep trees, trees that keep forking, and nothing outside the tree.</summary>
[NonParallelizable] // KillAll ends every child of the test process
public sealed class ChildProcessesTests
{
    [Test]
    public void Kills_a_five_level_tree_like_verilator_make_gcc_fast()
    {
        using var root = Start("sh -c 'sh -c \"sh -c \\\"sleep 600 & wait\\\" & wait\" & wait' & wait");
        var tree = WaitForTree(root.Id, 4);
        Assert.That(tree, Has.Count.EqualTo(4), "sh, sh, sh, sleep below the root");
        var clock = Stopwatch.StartNew();
        ChildProcesses.KillTree(root.Id);
        var took = clock.Elapsed;
        Assert.That(tree.Prepend(root.Id).Where(p => !Processes.WaitGone(p, TimeSpan.FromSeconds(2))), Is.Empty, "every process of the tree is gone");
        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(1)), "one /proc scan per round, not one per process");
    }

    [Test]
    public void Kills_a_tree_that_keeps_starting_children()
    {
        // A parent that starts a new child every few ms, like make starting compilers: stopped first, it cannot add one.
        using var root = Start("while :; do sleep 600 & sleep 0.005; done");
        WaitForTree(root.Id, 20);
        ChildProcesses.KillTree(root.Id);
        Thread.Sleep(200);
        var left = ChildProcesses.Descendants(root.Id);
        Assert.That(left, Is.Empty, "no child appeared after the kill");
        Assert.That(Processes.WaitGone(root.Id, TimeSpan.FromSeconds(2)), Is.True);
    }

    [Test]
    public void Leaves_a_process_outside_the_tree_alone()
    {
        using var named = Start("sleep 600 & wait");
        using var other = Start("sleep 600 & wait");
        var otherTree = WaitForTree(other.Id, 1);
        WaitForTree(named.Id, 1);
        ChildProcesses.KillTree(named.Id);
        ChildProcesses.KillTree(1); // pid 1 is no child of the test process: nothing happens
        ChildProcesses.KillTree(-1);
        Assert.That(Processes.WaitGone(named.Id, TimeSpan.FromSeconds(2)), Is.True);
        Assert.That(otherTree.Prepend(other.Id).Where(Processes.IsGone), Is.Empty, "the other child and its own child run on");
        ChildProcesses.KillTree(other.Id);
    }

    private static Process Start(string script) =>
        Process.Start(new ProcessStartInfo("sh", ["-c", script]) { RedirectStandardOutput = true })!;

    private static IReadOnlyList<int> WaitForTree(int root, int size)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var tree = ChildProcesses.Descendants(root);
            if (tree.Count >= size || DateTime.UtcNow > until)
            {
                return tree;
            }

            Thread.Sleep(20);
        }
    }
}
