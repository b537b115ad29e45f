using System.Text;
using AttentionLego.Cosim.Waves;

namespace AttentionLego.Tests.Waves;

/// <summary>
/// The reader's bounds (<see cref="VcdLimits"/>): a width, a word, the variables and the memory of the values are checked
/// before what they would allocate; the refusal names the file, the line and the fix, and quotes input escaped.
/// </summary>
public sealed class VcdBoundsTests
{
    private const string Head = "$timescale 1ns $end\n$scope module tb $end\n$var wire 1 ! clk $end\n";

    private static string Declaring(string width) => Head + $"$var wire {width} \" big $end\n$upscope $end\n$enddefinitions $end\n#0\n0!\n";

    [TestCase("2147483648")]
    [TestCase("2147483647")]
    [TestCase("99999999999999999999")]
    public void A_width_of_2_to_the_31_is_refused_before_anything_of_its_size_is_allocated(string width)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<WaveException>(() => VcdReader.Parse(Declaring(width), "w.vcd"))!;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        TestContext.Out.WriteLine($"{ex.Message} ({allocated:N0} bytes allocated)");
        Assert.That(ex.Message, Does.StartWith("w.vcd:4: $var \"big\" declares ").And.Contain("attnlego reads at most 16,777,216 bits per signal"));
        Assert.That(allocated, Is.LessThan(1 << 20), "refused before the allocation");
    }

    [Test]
    public void The_widest_signal_allowed_is_read_and_one_bit_more_is_refused()
    {
        var limits = new VcdLimits { MaxWidth = 4096 };
        var wide = VcdReader.Parse(Declaring("4096") + "b1 \"\n", limits: limits);
        Assert.That(wide.Find("tb.big")!.Signal.ValueAt(0), Is.EqualTo(new string('0', 4095) + "1"));
        Assert.That(() => VcdReader.Parse(Declaring("4097"), limits: limits), Throws.InstanceOf<WaveException>().With.Message.Contains("declares 4,097 bits"));
    }

    [Test]
    public void A_declaration_allocates_nothing_of_its_width_until_a_value_changes()
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var file = VcdReader.Parse(Declaring("16777216"));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20), "a 2^24-bit declaration with no change costs no 4 MiB value");
        Assert.That(file.Find("tb.big")!.Signal.ChangeCount, Is.Zero);
    }

    [Test]
    public void A_word_longer_than_the_widest_value_is_refused_with_an_escaped_excerpt()
    {
        var limits = new VcdLimits { MaxWidth = 64, MaxNameLength = 128 };
        var text = Declaring("8") + "b" + new string('1', 200) + "\u0001 \"\n";
        var ex = Assert.Throws<WaveException>(() => VcdReader.Parse(text, "w.vcd", limits))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.Message, Does.StartWith($"w.vcd:9: a word of more than 128 characters (\"b{new string('1', 39)}...\")"));
        Assert.That(ex.Message, Does.Contain("Fix: check that this is a VCD file"));
    }

    [Test]
    public void A_file_without_line_breaks_is_read_in_blocks_not_as_one_line()
    {
        // 200,000 changes on one line: more than three read blocks, and words cut at a block's edge are joined.
        var text = new StringBuilder(Head.Replace('\n', ' ') + "$upscope $end $enddefinitions $end ");
        for (var t = 0; t < 100_000; t++)
        {
            text.Append('#').Append(t).Append(" 1! ");
        }

        var file = VcdReader.Parse(text.ToString());
        Assert.That(file.LastTime, Is.EqualTo(99_999));
        Assert.That(file.Find("tb.clk")!.Signal.ChangeCount, Is.EqualTo(100_000));
    }

    [Test]
    public void More_variables_than_the_limit_are_refused_at_the_first_one_too_many()
    {
        var text = new StringBuilder("$scope module tb $end\n");
        for (var i = 0; i < 11; i++)
        {
            text.Append($"$var wire 1 v{i} s{i} $end\n");
        }

        var ex = Assert.Throws<WaveException>(() => VcdReader.Parse(text.ToString(), "w.vcd", new VcdLimits { MaxVariables = 10 }))!;
        Assert.That(ex.Message, Does.StartWith("w.vcd:12: it declares more than 10 variables"));
    }

    [Test]
    public void The_changes_of_one_signal_are_bounded()
    {
        var text = new StringBuilder(Declaring("1024"));
        for (var t = 1; t <= 1000; t++)
        {
            text.Append('#').Append(t).Append("\nb1 \"\n");
        }

        // 1024 bits: 256 bytes packed and 8 of time per change; 64 KiB hold 240 changes, the array doubling to 256 would not fit.
        var ex = Assert.Throws<WaveException>(() => VcdReader.Parse(text.ToString(), "w.vcd", new VcdLimits { MaxSignalBytes = 64 << 10 }))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.Message, Does.Contain("the changes of tb.big (1,024 bits, 128 changes so far) would take more than"));
        Assert.That(() => VcdReader.Parse(text.ToString(), limits: new VcdLimits { MaxSignalBytes = 1 << 20 }), Throws.Nothing, "the same file within a larger bound");
    }

    [Test]
    public void The_memory_of_the_whole_file_is_bounded()
    {
        var text = new StringBuilder("$scope module tb $end\n");
        for (var i = 0; i < 100; i++)
        {
            text.Append($"$var wire 64 v{i} s{i} $end\n");
        }

        text.Append("$upscope $end\n$enddefinitions $end\n");
        for (var t = 0; t < 100; t++)
        {
            text.Append('#').Append(t).Append('\n');
            for (var i = 0; i < 100; i++)
            {
                text.Append($"b{t & 1}{i & 1} v{i}\n");
            }
        }

        var ex = Assert.Throws<WaveException>(() => VcdReader.Parse(text.ToString(), "w.vcd", new VcdLimits { MaxTotalBytes = 200_000 }))!;
        Assert.That(ex.Message, Does.Contain("its signals and value changes would take more than").And.Contain("Fix: dump a shorter window"));
        Assert.That(() => VcdReader.Parse(text.ToString()), Throws.Nothing);
    }

    [Test]
    public void Malformed_input_is_quoted_as_a_short_escaped_excerpt()
    {
        var ex = Assert.Throws<VcdFormatException>(() => VcdReader.Parse(Declaring("\u001b[2J" + new string('9', 500) + "x"), "w.vcd"))!;
        Assert.That(ex.Message, Does.Contain($"found \"\\x1B[2J{new string('9', 36)}... (505 characters)\""));
    }

    [Test]
    public void Reading_stops_when_cancelled()
    {
        var text = new StringBuilder(Head + "$upscope $end\n$enddefinitions $end\n");
        for (var t = 0; t < 200_000; t++)
        {
            text.Append('#').Append(t).Append("\n1!\n");
        }

        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => VcdReader.Read(new StringReader(text.ToString()), "w.vcd", cts.Token), Throws.InstanceOf<OperationCanceledException>());
    }
}
