using System.Diagnostics;
using AttentionLego.Cosim.Benches;
using AttentionLego.Cosim.Waves;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Golden.Experiments;
using AttentionLego.Gen.Golden.Timing;
using AttentionLego.Gen.Golden;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Golden;

/// <summary>
/// Every long loop of the libraries honours a cancellation token (SIGINT/SIGTERM in the CLI), and stops well within the
/// 1.5 s an interrupted command has: the golden models at paper sizes, the timing models, rendering, waves, the output write.
/// </summary>
public sealed class CancellationTests
{
    /// <summary>From the cancellation to the throw: the CLI's whole grace, so that this holds on a loaded machine.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(1.5);

    [Test]
    public void The_array_timing_model_stops_during_paper_mhas_weight_load() =>
        StopsPromptly(ct => new ControlTiming(Presets.PaperMha, 3, array: true).Run(TopBench.Commands(Presets.PaperMha, MemoryLayout.ForArray(Presets.PaperMha), 4), ct: ct),
            TimeSpan.FromMilliseconds(500));

    [Test]
    public void A_paper_mha_bench_case_stops_while_it_is_generated() =>
        StopsPromptly(ct => ModuleBenches.Find("array", new TopOptions(4, 3, false))!.Generate(Presets.PaperMha, 1, ct), TimeSpan.FromSeconds(1));

    [Test]
    public void The_performance_model_of_paper_mha_stops() =>
        StopsPromptly(ct => HeadPerformance.Measure(Presets.PaperMha, 4, array: true, ct: ct), TimeSpan.FromMilliseconds(500));

    [Test]
    public void The_accuracy_run_of_the_paper_head_stops_between_tokens() =>
        StopsPromptly(ct => Accuracy.Run(Presets.PaperExact, 1, 1024, ct), TimeSpan.FromMilliseconds(800));

    [Test]
    public void The_accuracy_run_of_paper_mha_stops_between_heads() =>
        StopsPromptly(ct => Accuracy.Measure(Presets.PaperMha, 1, 8, ct), TimeSpan.FromSeconds(2));

    [Test]
    public void A_fault_sweep_stops() =>
        StopsPromptly(ct => FaultSweep.Run(Presets.PaperExact, FaultKind.Both, 1e-3, 5, 1, 1, 256, ct), TimeSpan.FromMilliseconds(800));

    [Test]
    public void Rendering_and_the_report_stop_when_cancelled_before_they_start()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => RtlGenerator.Render(Presets.PaperMha, cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => Gen.Reporting.ConfigReport.Build(Presets.Tiny, "tiny", 4, 1, Gen.Reporting.SynthesisSection.Missing("none"), "replay", cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void A_cancelled_write_of_generate_leaves_nothing()
    {
        using var temp = new TempFolder();
        var files = RtlGenerator.Render(Presets.Tiny).AllFiles;
        using var cts = new CancellationTokenSource();
        var count = 0;
        // Cancelled while the files are written: the enumeration cancels after the third file.
        IEnumerable<(string, byte[])> Files()
        {
            foreach (var f in files)
            {
                if (++count == 3)
                {
                    cts.Cancel();
                }

                yield return (f.Name, System.Text.Encoding.UTF8.GetBytes(f.Content));
            }
        }

        Assert.That(() => OutputFolder.WriteAtomically(temp.Combine("out"), Files(), false, "generate", [RtlBundle.ManifestName], cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Directory.GetFileSystemEntries(temp.Path), Is.Empty, "no output folder, no staging folder");
    }

    [Test]
    public void A_wave_diff_stops_between_signals()
    {
        var text = new System.Text.StringBuilder("$scope module tb $end\n$var wire 1 ! clk $end\n$var wire 8 \" a $end\n$upscope $end\n$enddefinitions $end\n");
        for (var t = 0; t < 100; t++)
        {
            text.Append($"#{t}\n{t & 1}!\nb{Convert.ToString(t & 3, 2)} \"\n");
        }

        var a = VcdReader.Parse(text.ToString());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => VcdDiff.Compare(a, a, new VcdDiffOptions(), cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(VcdDiff.Compare(a, a, new VcdDiffOptions()).Identical, Is.True, "the same comparison runs to the end without a cancellation");
    }

    /// <summary>Runs <paramref name="work"/>, cancels it after <paramref name="after"/>, and asserts it threw within <see cref="Prompt"/>.</summary>
    private static void StopsPromptly(Action<CancellationToken> work, TimeSpan after)
    {
        using var cts = new CancellationTokenSource();
        var task = Task.Run(() => work(cts.Token));
        Assert.That(task.Wait(after), Is.False, $"still running after {after.TotalSeconds:0.0} s (else the test cancels nothing)");
        var clock = Stopwatch.StartNew();
        cts.Cancel();
        var stopped = ((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(30));
        var took = clock.Elapsed;
        TestContext.Out.WriteLine($"stopped {took.TotalMilliseconds:0} ms after the cancellation");
        Assert.That(stopped, Is.True);
        Assert.That(task.Exception?.InnerException, Is.InstanceOf<OperationCanceledException>());
        Assert.That(took, Is.LessThan(Prompt));
    }
}
