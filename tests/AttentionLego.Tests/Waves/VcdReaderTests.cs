using AttentionLego.Cosim.Waves;

namespace AttentionLego.Tests.Waves;

/// <summary>The VCD reader against hand-written files: every §18 form we meet, and malformed input.</summary>
public sealed class VcdReaderTests
{
    private const string Header = """
        $date Mon Jan 1 00:00:00 2024 $end
        $version hand written $end
        $timescale 1 ns $end
        $scope module TOP $end
         $scope module tb $end
          $var wire 1 ! clk_i $end
          $var wire 8 " data [7:0] $end
          $var reg 4 # nib[3:0] $end
          $var wire 1 $ bit [3] $end
          $var wire 1 %x mask[2] $end
          $var real 64 & gain $end
          $scope begin g_lane[0] $end
           $var wire 8 " alias_of_data [7:0] $end
          $upscope $end
         $upscope $end
        $upscope $end
        $enddefinitions $end

        """;

    [Test]
    public void Reads_the_header_nested_scopes_and_every_reference_form()
    {
        var file = VcdReader.Parse(Header + "#0\n");
        Assert.That(file.Date, Is.EqualTo("Mon Jan 1 00:00:00 2024"));
        Assert.That(file.Version, Is.EqualTo("hand written"));
        Assert.That(file.Timescale, Is.EqualTo(new VcdTimescale(1, "ns")));
        Assert.That(file.Variables.Select(v => v.FullName), Is.EqualTo(new[]
        {
            "TOP.tb.clk_i", "TOP.tb.data", "TOP.tb.nib", "TOP.tb.bit[3]", "TOP.tb.mask[2]", "TOP.tb.gain", "TOP.tb.g_lane[0].alias_of_data",
        }));
        Assert.That(file.Find("TOP.tb.data")!.Range, Is.EqualTo("[7:0]"));
        Assert.That(file.Find("TOP.tb.nib")!.Range, Is.EqualTo("[3:0]"));
        Assert.That(file.Find("TOP.tb.mask[2]")!.Signal.Id, Is.EqualTo("%x"), "an identifier code may be several characters");
        Assert.That(file.Signals, Has.Count.EqualTo(6), "the alias shares its signal");
    }

    [TestCase("1ps", 1, "ps", 1_000L)]
    [TestCase("1 ns", 1, "ns", 1_000_000L)]
    [TestCase("10ns", 10, "ns", 10_000_000L)]
    [TestCase("100 us", 100, "us", 100_000_000_000L)]
    [TestCase("1s", 1, "s", 1_000_000_000_000_000L)]
    public void Reads_every_timescale_form(string text, int magnitude, string unit, long femtoseconds)
    {
        var file = VcdReader.Parse($"$timescale {text} $end\n$enddefinitions $end\n");
        Assert.That(file.Timescale, Is.EqualTo(new VcdTimescale(magnitude, unit)));
        Assert.That(file.Timescale.Femtoseconds, Is.EqualTo(femtoseconds));
    }

    [Test]
    public void Reads_x_and_z_scalars_and_vectors()
    {
        var file = VcdReader.Parse(Header + "#0\n$dumpvars\nx!\nbx \"\nz$\n$end\n#5\n1!\nb10z1x0z1 \"\nZ$\n#6\nX!\n");
        Assert.That(file["TOP.tb.clk_i"].ValueAt(0), Is.EqualTo("x"));
        Assert.That(file["TOP.tb.clk_i"].ValueAt(5), Is.EqualTo("1"));
        Assert.That(file["TOP.tb.clk_i"].ValueAt(6), Is.EqualTo("x"), "upper-case X is x");
        Assert.That(file["TOP.tb.data"].ValueAt(0), Is.EqualTo("xxxxxxxx"));
        Assert.That(file["TOP.tb.data"].ValueAt(5), Is.EqualTo("10z1x0z1"));
        Assert.That(file["TOP.tb.bit[3]"].ValueAt(5), Is.EqualTo("z"));
    }

    [TestCase("b1", "00000001")]
    [TestCase("b101", "00000101")]
    [TestCase("b0", "00000000")]
    [TestCase("bx", "xxxxxxxx")]
    [TestCase("bz", "zzzzzzzz")]
    [TestCase("bx1", "xxxxxxx1")]
    [TestCase("bz0x", "zzzzzz0x")]
    [TestCase("b10z1", "000010z1")]
    [TestCase("b0x", "0000000x")]
    [TestCase("b11111111", "11111111")]
    public void Left_extends_a_short_vector_with_0_or_with_its_leading_x_or_z(string change, string value)
    {
        var file = VcdReader.Parse(Header + $"#0\n{change} \"\n");
        Assert.That(file["TOP.tb.data"].ValueAt(0), Is.EqualTo(value));
    }

    [Test]
    public void Aliases_are_one_signal_with_both_names()
    {
        var file = VcdReader.Parse(Header + "#0\nb1010 \"\n#3\nb1111 \"\n");
        var signal = file["TOP.tb.data"];
        Assert.That(file["TOP.tb.g_lane[0].alias_of_data"], Is.SameAs(signal));
        Assert.That(signal.Names, Is.EqualTo(new[] { "TOP.tb.data", "TOP.tb.g_lane[0].alias_of_data" }));
        Assert.That(file["TOP.tb.g_lane[0].alias_of_data"].ValueAt(3), Is.EqualTo("00001111"));
    }

    [Test]
    public void Value_at_a_time_takes_the_last_change_there_and_value_before_the_one_earlier()
    {
        var file = VcdReader.Parse(Header + "#0\nb1 \"\n#10\nb10 \"\nb11 \"\n#20\nb100 \"\n");
        var data = file["TOP.tb.data"];
        Assert.That(data.ValueAt(10), Is.EqualTo("00000011"), "after every change at #10");
        Assert.That(data.ValueBefore(10), Is.EqualTo("00000001"));
        Assert.That(data.ValueAt(15), Is.EqualTo("00000011"));
        Assert.That(data.ValueBefore(0), Is.EqualTo("xxxxxxxx"), "before the first change: x");
        Assert.That(data.ValueAt(1000), Is.EqualTo("00000100"));
        Assert.That(data.ChangeCount, Is.EqualTo(3), "changes at one time collapse");
        Assert.That((file.FirstTime, file.LastTime), Is.EqualTo(((long?)0, (long?)20)));
    }

    [Test]
    public void Dumpoff_dumpon_and_dumpall_blocks_carry_their_values()
    {
        var file = VcdReader.Parse(Header + "#0\n$dumpvars\n0!\nb1 \"\n$end\n#10\n$dumpoff\nx!\nbx \"\n$end\n#20\n$dumpon\n1!\nb101 \"\n$end\n#30\n$dumpall 1! b101 \" $end\n$comment note $end\n");
        var data = file["TOP.tb.data"];
        Assert.That(data.ValueAt(5), Is.EqualTo("00000001"));
        Assert.That(data.ValueAt(15), Is.EqualTo("xxxxxxxx"), "$dumpoff dumps x");
        Assert.That(data.ValueAt(25), Is.EqualTo("00000101"));
        Assert.That(file["TOP.tb.clk_i"].ValueAt(30), Is.EqualTo("1"));
    }

    [Test]
    public void Keeps_real_values_as_text()
    {
        var file = VcdReader.Parse(Header + "#0\nr1.5 &\n#2\nR-2.25e3 &\n");
        Assert.That(file["TOP.tb.gain"].IsReal, Is.True);
        Assert.That(file["TOP.tb.gain"].ValueAt(1), Is.EqualTo("1.5"));
        Assert.That(file["TOP.tb.gain"].ValueAt(2), Is.EqualTo("-2.25e3"));
    }

    [Test]
    public void Stores_wide_signals_bit_exact()
    {
        var bits = string.Concat(Enumerable.Range(0, 3001).Select(i => "01xz"[(i * 7 + i / 3) % 4]));
        var file = VcdReader.Parse($"$scope module t $end $var wire 3001 ! wide $end $upscope $end $enddefinitions $end\n#0\nb{bits} !\n#1\nb1 !\n");
        Assert.That(file["t.wide"].ValueAt(0), Is.EqualTo(bits));
        Assert.That(file["t.wide"].ValueAt(1), Is.EqualTo(new string('0', 3000) + "1"));
    }

    [TestCase("#0\nb1 ?\n", 19, "identifier code \"?\" was not declared", TestName = "An_undeclared_identifier_names_its_line")]
    [TestCase("#0\nb102 \"\n", 19, "binary value", TestName = "A_bad_vector_digit_names_its_line")]
    [TestCase("#0\nb111111111 \"\n", 19, "9 bits", TestName = "A_too_long_vector_names_its_line")]
    [TestCase("#5\n#3\n", 19, "goes back", TestName = "A_time_that_decreases_names_its_line")]
    [TestCase("#0\n\n\nhello\n", 21, "expected a value change", TestName = "A_stray_word_names_its_line")]
    [TestCase("#0\n$dumpvars\n1!\n", 20, "$end closing the $dumpvars", TestName = "An_unclosed_dumpvars_block_is_refused")]
    [TestCase("#0\nr1.5 !\n", 19, "not a real variable", TestName = "A_real_value_for_a_wire_is_refused")]
    public void Malformed_changes_throw_with_file_line_and_expectation(string body, int line, string expected)
    {
        var ex = Assert.Throws<VcdFormatException>(() => VcdReader.Parse(Header + body, "bad.vcd"))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.File, Is.EqualTo("bad.vcd"));
        Assert.That(ex.Line, Is.EqualTo(line));
        Assert.That(ex.Message, Does.StartWith($"bad.vcd:{line}: ").And.Contain(expected));
    }

    [TestCase("$timescale 3 ns $end\n$enddefinitions $end\n", 1, "timescale", TestName = "A_bad_timescale_is_refused")]
    [TestCase("$scope module a $end\n$var wire x ! a $end\n", 2, "positive variable size", TestName = "A_bad_size_is_refused")]
    [TestCase("$scope module a $end\n$var wire 1 ! a $end\n", 2, "$enddefinitions", TestName = "A_file_that_ends_in_the_header_is_refused")]
    [TestCase("$upscope $end\n", 1, "without an open $scope", TestName = "An_upscope_too_many_is_refused")]
    [TestCase("$var wire 1 ! a $end\n$var wire 2 ! b [1:0] $end\n", 2, "aliases must have the same size", TestName = "Aliases_of_different_sizes_are_refused")]
    [TestCase("$scope module a\n$end\n$var wire 1 ! a b c $end\n", 3, "expected a range", TestName = "A_var_with_extra_words_is_refused")]
    public void Malformed_headers_throw_with_file_line_and_expectation(string text, int line, string expected)
    {
        var ex = Assert.Throws<VcdFormatException>(() => VcdReader.Parse(text, "bad.vcd"))!;
        TestContext.Out.WriteLine(ex.Message);
        Assert.That(ex.Line, Is.EqualTo(line));
        Assert.That(ex.Message, Does.Contain(expected));
    }

    [Test]
    public void Reads_a_file_from_disk_line_by_line()
    {
        using var temp = new Support.TempFolder();
        var path = temp.Combine("w.vcd");
        File.WriteAllText(path, Header + "#0\n1!\n#7\n0!\n");
        var file = VcdReader.Load(path);
        Assert.That(file.Source, Is.EqualTo(path));
        Assert.That(file["TOP.tb.clk_i"].ValueBefore(7), Is.EqualTo("1"));
    }
}
