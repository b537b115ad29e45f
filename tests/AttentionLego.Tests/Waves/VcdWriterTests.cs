using System.Numerics;
using AttentionLego.Cosim.Waves;

namespace AttentionLego.Tests.Waves;

/// <summary>The VCD writer: its exact output, its refusals, and a random round trip through the reader.</summary>
public sealed class VcdWriterTests
{
    [Test]
    public void Writes_scopes_dumpvars_and_one_block_per_time()
    {
        var text = new StringWriter();
        using (var vcd = new VcdWriter(text))
        {
            var clk = vcd.AddSignal("TOP.tb.clk_i", 1);
            var data = vcd.AddSignal("TOP.tb.u_dut.g_head[0].o_data", 8);
            var valid = vcd.AddSignal("TOP.tb.o_valid", 1);
            vcd.Change(0, clk, "0");
            vcd.Change(0, data, BigInteger.Zero);
            vcd.Change(5, clk, "1");
            vcd.Change(5, data, "0000x101");
            vcd.Change(5, data, "00000101"); // the last change at a time wins
            vcd.Change(7, valid, "x"); // already x: nothing to write, no #7
            vcd.Change(10, clk, "0");
            vcd.Change(10, data, "z");
        }

        Assert.That(text.ToString(), Is.EqualTo("""
            $version AttentionLego.Gen $end
            $timescale 1ps $end
            $scope module TOP $end
             $scope module tb $end
              $var wire 1 ! clk_i $end
              $scope module u_dut $end
               $scope module g_head[0] $end
                $var wire 8 " o_data [7:0] $end
               $upscope $end
              $upscope $end
              $var wire 1 # o_valid $end
             $upscope $end
            $upscope $end
            $enddefinitions $end
            #0
            $dumpvars
            0!
            b0 "
            x#
            $end
            #5
            1!
            b101 "
            #10
            0!
            bz "

            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void Writes_dumpvars_with_x_even_without_changes()
    {
        var text = new StringWriter();
        using (var vcd = new VcdWriter(text, "10ns"))
        {
            vcd.AddSignal("t.a", 3);
        }

        Assert.That(text.ToString(), Does.Contain("$timescale 10ns $end").And.EndWith("$enddefinitions $end\n#0\n$dumpvars\nbx !\n$end\n"));
        Assert.That(text.ToString(), Does.Not.Contain("$date"));
        Assert.That(VcdReader.Parse(text.ToString())["t.a"].ValueAt(0), Is.EqualTo("xxx"));
    }

    [TestCase("0000", "0")]
    [TestCase("0001", "1")]
    [TestCase("0011", "11")]
    [TestCase("00x1", "0x1")]
    [TestCase("xxx1", "x1")]
    [TestCase("zzzz", "z")]
    [TestCase("xzzz", "xzzz")]
    [TestCase("1000", "1000")]
    [TestCase("0z00", "0z00")]
    public void Shortens_vectors_only_as_far_as_left_extension_restores(string value, string shortest)
    {
        Assert.That(VcdWriter.Shorten(value), Is.EqualTo(shortest));
        Assert.That(VcdReader.Extend(shortest, value.Length), Is.EqualTo(value));
    }

    [Test]
    public void Identifier_codes_are_distinct_printable_and_short()
    {
        var codes = Enumerable.Range(0, 20_000).Select(VcdWriter.IdCode).ToList();
        Assert.That(codes, Is.Unique);
        Assert.That(codes.SelectMany(c => c), Has.All.InRange('!', '~'));
        Assert.That(codes[93], Has.Length.EqualTo(1));
        Assert.That(codes[94], Has.Length.EqualTo(2));
    }

    [Test]
    public void Writes_wide_integers_bit_exact()
    {
        var value = (BigInteger.One << 4095) + 12345;
        var text = new StringWriter();
        using (var vcd = new VcdWriter(text))
        {
            var wide = vcd.AddSignal("t.wide", 4096);
            vcd.Change(3, wide, value);
        }

        var bits = VcdReader.Parse(text.ToString())["t.wide"].ValueAt(3);
        Assert.That(bits, Is.EqualTo("1" + new string('0', 4095 - 14) + Convert.ToString(12345, 2)));
    }

    [Test]
    public void Refuses_misuse_with_a_message()
    {
        using var vcd = new VcdWriter(new StringWriter());
        var a = vcd.AddSignal("t.a", 4);
        Assert.Throws<ArgumentException>(() => vcd.AddSignal("t.a", 4), "a duplicate path");
        Assert.Throws<ArgumentException>(() => vcd.AddSignal("lonely", 1), "a path without a scope");
        Assert.Throws<ArgumentOutOfRangeException>(() => vcd.AddSignal("t.b", 0));
        Assert.Throws<ArgumentException>(() => vcd.Change(0, a, "101"), "wrong width");
        Assert.Throws<ArgumentException>(() => vcd.Change(0, a, "10q1"), "not a 4-state digit");
        Assert.Throws<ArgumentOutOfRangeException>(() => vcd.Change(0, a, new BigInteger(16)), "does not fit 4 bits");
        Assert.Throws<ArgumentOutOfRangeException>(() => vcd.Change(0, a, BigInteger.MinusOne));
        Assert.Throws<ArgumentOutOfRangeException>(() => vcd.Change(0, 7, "0"));
        vcd.Change(10, a, new BigInteger(15));
        Assert.Throws<ArgumentException>(() => vcd.Change(9, a, "0"), "time goes back");
        Assert.Throws<InvalidOperationException>(() => vcd.AddSignal("t.c", 1), "declared after the first change");
        Assert.Throws<ArgumentException>(() => _ = new VcdWriter(new StringWriter(), "3ns"));
    }

    [Test]
    public void Round_trips_random_signals_through_the_reader_byte_identically([Values(1, 2, 3)] int run)
    {
        var seed = Environment.TickCount ^ (run * 7919);
        TestContext.Out.WriteLine($"seed {seed} (replay: set seed = {seed} in this test)");
        var random = new Random(seed);
        var signals = Enumerable.Range(0, random.Next(1, 40)).Select(i =>
        {
            var scopes = Enumerable.Range(0, random.Next(1, 4)).Select(d => random.Next(4) == 0 ? $"g_head[{random.Next(3)}]" : $"s{random.Next(3)}");
            var width = random.Next(4) == 0 ? 1 : random.Next(1, random.Next(2) == 0 ? 9 : 300);
            return (Path: "TOP." + string.Join('.', scopes) + $".sig{i}", Width: width);
        }).ToList();

        var expected = signals.Select(s => new SortedDictionary<long, string> { [0] = new string('x', s.Width) }).ToList();
        string Write()
        {
            var text = new StringWriter();
            var local = new Random(seed + 1);
            using (var vcd = new VcdWriter(text))
            {
                Fill(vcd, local);
            }

            return text.ToString();
        }

        void Fill(VcdWriter vcd, Random local)
        {
            foreach (var s in signals)
            {
                vcd.AddSignal(s.Path, s.Width);
            }

            long time = 0;
            for (var step = 0; step < 300; step++)
            {
                time += local.Next(3) == 0 ? 0 : local.Next(1, 1000);
                var i = local.Next(signals.Count);
                var width = signals[i].Width;
                if (local.Next(5) == 0)
                {
                    var value = new BigInteger(local.NextInt64()) & ((BigInteger.One << width) - 1);
                    vcd.Change(time, i, value);
                    expected[i][time] = string.Concat(Enumerable.Range(0, width).Select(b => (value >> (width - 1 - b) & 1).IsZero ? '0' : '1'));
                }
                else
                {
                    var alphabet = local.Next(3) == 0 ? "01xz" : "01";
                    var bits = local.Next(8) == 0 ? alphabet[local.Next(alphabet.Length)].ToString() : string.Concat(Enumerable.Range(0, width).Select(_ => alphabet[local.Next(alphabet.Length)]));
                    vcd.Change(time, i, bits);
                    expected[i][time] = bits.Length == 1 ? new string(bits[0], width) : bits;
                }
            }
        }

        var written = Write();
        Assert.That(Write(), Is.EqualTo(written), "the same changes write the same bytes");
        var file = VcdReader.Parse(written, $"round trip seed {seed}");
        for (var i = 0; i < signals.Count; i++)
        {
            var signal = file[signals[i].Path];
            Assert.That(signal.Width, Is.EqualTo(signals[i].Width));
            foreach (var (time, value) in expected[i])
            {
                Assert.That(signal.ValueAt(time), Is.EqualTo(value), $"seed {seed}: {signals[i].Path} at {time}");
            }
        }
    }
}
