using System.Globalization;
using System.Numerics;
using System.Text;
using AttentionLego.Gen.Golden.Experiments;
using R = AttentionLego.Gen.Config.CsrMap;

namespace AttentionLego.Cosim.Benches;

/// <summary>
/// Knobs of the whole-head bench: tokens to decode, the memory's latency, and whether the memory stalls at random
/// (then only values, their order and the stall-independent counters are compared; timing is checked without stalls).
/// </summary>
/// <remarks>
/// <paramref name="FairnessBound"/> (array only, for the checker's self-test): the most requests of other masters the bench
/// lets the arbiter serve while one master waits; by default Masters - 1, what round robin guarantees.
/// <paramref name="Preload"/>: the weights come through the backdoor (<see cref="BackdoorPreload"/>: files read by
/// <c>$readmemh</c>, the controller starting with WEIGHTS set) instead of a LOAD over the bus.
/// </remarks>
public sealed record TopOptions(int? Tokens = null, int MemoryLatency = 3, bool Stalls = false, int? FairnessBound = null, bool Preload = false)
{
    /// <summary>Percent of cycles the memory refuses a request, and of responses it holds back, when stalling.</summary>
    public const int StallPercent = 30;

    public int TokensFor(AttentionConfig config) => Tokens ?? Math.Min(4, config.Model.MaxSeqLen);
}

/// <summary>
/// Co-simulates <c>al_top</c> end to end: the memory holds weights and tokens drawn like the accuracy experiment's;
/// the bench checks the reset values of the registers, loads the weights, decodes the tokens in two commands with a
/// refused over-long request between them (the caches must be untouched by it), clears the caches and decodes the
/// first token again. Every projection, score vector, probability vector, output and memory write must equal the
/// golden model's, in the cycle <see cref="ControlTiming"/> predicts; every register read must return its predicted value.
/// </summary>
/// <remarks>
/// With <paramref name="array"/> the same bench drives <c>al_array</c> (module <c>array</c>): the same commands on the same
/// registers, every head's stage handshakes (ports prefixed <c>h&lt;head&gt;.</c>), each output row (<c>row</c>) and its
/// memory writes, all in the cycle <see cref="ControlTiming"/> predicts; and the bench checks the arbiter's fairness.
/// </remarks>
public sealed class TopBench(TopOptions? options = null, bool array = false) : IModuleBench
{
    // The stimulus kinds: a memory word preloaded before the commands, then the CSR driver's commands (HeadCommand).
    private const int MemoryWord = 1, CsrWrite = 2, CsrRead = 3, WaitIrq = 4, Idle = 5;

    private static readonly StimulusOps Ops = new(3, ("word", MemoryWord), ("write", CsrWrite), ("read", CsrRead), ("wait_irq", WaitIrq), ("idle", Idle));

    public TopOptions Options { get; } = options ?? new TopOptions();

    public bool IsArray => array;

    public string Module => array ? "array" : "top";

    public string TopModule => array ? "al_tb_array" : "al_tb_top";

    public IReadOnlyList<RenderedFile> Sources(AttentionConfig config) =>
    [
        .. RtlGenerator.Hierarchy(config, array ? "al_array" : "al_top"),
        RtlGenerator.File("tb/al_tb_top.v.sbn", TopModule + ".v", config, b => TopBenchView.From(config, b, array, Options.FairnessBound), Ops),
    ];

    public BenchCase Generate(AttentionConfig config, int seed) => Generate(config, seed, CancellationToken.None);

    public IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => WaveProbes.Whole(config, array);

    /// <summary>The case; <paramref name="ct"/> reaches the inputs' draw, the timing model (every 1,024 cycles) and the golden model (per head).</summary>
    public BenchCase Generate(AttentionConfig config, int seed, CancellationToken ct)
    {
        var layout = array ? MemoryLayout.ForArray(config) : MemoryLayout.For(config);
        var tokens = Options.TokensFor(config);
        if (tokens < 1 || tokens > config.Model.MaxSeqLen)
        {
            throw new ArgumentOutOfRangeException(nameof(config), tokens,
                $"--tokens must be 1..Model.MaxSeqLen ({config.Model.MaxSeqLen}).");
        }

        var inputs = Accuracy.DrawArray(array ? config : config with { Model = config.Model with { Heads = 1, OutputProjection = false } },
            seed, tokens, ct);
        var commands = Commands(config, layout, tokens, Options.Preload);
        var events = new ControlTiming(config, Options.MemoryLatency, array).Run(commands, weightsLoaded: Options.Preload, ct: ct);

        // Values: the sequence, then the first token again after the clear.
        var model = inputs.Load(array ? config : config with { Model = config.Model with { Heads = 1, OutputProjection = false } }, ct);
        var steps = inputs.Tokens.Select(t => model.Step(t, ct)).ToList();
        model.Reset();
        steps.Add(model.Step(inputs.Tokens[0], ct));

        var stimulus = new StringBuilder(1 << 15);
        var (reqStall, rspStall) = Options.Stalls ? (TopOptions.StallPercent, TopOptions.StallPercent) : (0, 0);
        stimulus.Append(CultureInfo.InvariantCulture, $"{Options.MemoryLatency} {reqStall} {rspStall} {seed}\n");
        var words = 0;
        // With the preload the DMA never reads the weights: the memory holds the tokens only.
        var firstWord = Options.Preload ? (int)(layout.XBase / layout.BusBytes) : 0;
        foreach (var (word, value) in layout.Image(config, inputs).Where(w => w.Word >= firstWord))
        {
            if ((++words & 0xFFFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            stimulus.Append(CultureInfo.InvariantCulture, $"{MemoryWord} {word} {value.ToString("x", CultureInfo.InvariantCulture)}\n");
        }

        foreach (var command in commands)
        {
            stimulus.Append(command switch
            {
                HeadCommand.Write w => $"{CsrWrite} {w.Offset} {w.Value:x}\n",
                HeadCommand.Read r => $"{CsrRead} {r.Offset} 0\n",
                HeadCommand.WaitIrq => $"{WaitIrq} 0 0\n",
                HeadCommand.Idle i => $"{Idle} {i.Cycles} 0\n",
                _ => throw new InvalidOperationException("unknown command"),
            });
        }

        var expected = Expectations(config, events, steps, layout);
        var last = events.Count > 0 ? events[^1].Cycle : 0;
        var budget = Options.Stalls ? last * 4 + 10_000 : last + 1_000;
        var benchCase = new BenchCase(stimulus.ToString(), expected, budget, PerPort: true);
        return !Options.Preload ? benchCase : benchCase with
        {
            Files = BackdoorPreload.Files(config, inputs, ct).Select(f => new BenchFile(Path.Combine(PreloadFolder, f.Name), f.Content)),
            Plusargs = [$"+{BackdoorPreload.FolderPlusarg}={PreloadFolder}", $"+{BackdoorPreload.LoadedPlusarg}"],
        };
    }

    /// <summary>The folder of the preload files, in the case's folder.</summary>
    public const string PreloadFolder = "preload";

    /// <summary>
    /// The command list: reset values, a refused decode, the load, the decode in two parts around a refused one, clear, one
    /// more token. <paramref name="preloaded"/>: the weights were preloaded, so there is no LOAD and no decode to refuse for
    /// the lack of weights.
    /// </summary>
    public static IReadOnlyList<HeadCommand> Commands(AttentionConfig config, MemoryLayout layout, int tokens, bool preloaded = false)
    {
        var list = new List<HeadCommand>();
        void Write(int offset, uint value) => list.Add(new HeadCommand.Write(offset, value));
        void Read(params int[] offsets) => list.AddRange(offsets.Select(o => new HeadCommand.Read(o)));
        void Run(uint ctrl)
        {
            Write(R.Ctrl, ctrl);
            list.Add(new HeadCommand.WaitIrq());
        }

        var counters = new[] { R.Status, R.Error, R.SeqLen, R.Cycles, R.TokensDone, R.TokenCycles, R.CycFetch, R.CycQkv, R.CycScore,
            R.CycSoftmax, R.CycContext, R.CycWrite };

        // Reset values and identification.
        Read(R.Status, R.Error, R.Tokens, R.WBase, R.SeqLen, R.Cycles, R.Id, R.ConfigHash, R.MaxSeqLen, 0x80);
        // Misuse before any weights: a decode is refused; the error is cleared by writing ones.
        if (!preloaded)
        {
            Write(R.Tokens, 1);
            Run(R.CtrlDecode);
            Read(R.Error, R.Status);
            Write(R.Error, CsrMap.ErrorMask);
        }

        // Values other than exactly one command bit and a misaligned weight base (where a bus word is wider than a
        // byte) are refused too.
        Write(R.Ctrl, 0);
        Write(R.Ctrl, 9);
        Run(R.CtrlLoad | R.CtrlDecode);
        if (layout.BusBytes > 1)
        {
            Write(R.WBase, layout.WBase + 1);
            Run(R.CtrlLoad);
        }

        Read(R.Error);
        Write(R.Error, CsrMap.ErrorMask);

        // Load the weights.
        Write(R.WBase, layout.WBase);
        Read(R.WBase);
        if (!preloaded)
        {
            Run(R.CtrlLoad);
            Read(R.Status, R.Cycles);
        }

        // DONE is acknowledged by writing 1 to it; a decode of no tokens is done at once and restarts the counters.
        Write(R.Status, R.StatusDone);
        Read(R.Status);
        Write(R.Tokens, 0);
        Run(R.CtrlDecode);
        Read(R.Status, R.Cycles, R.SeqLen);
        if (layout.BusBytes > 1)
        {
            Write(R.XBase, layout.XBase + 1);
            Write(R.Tokens, 1);
            Run(R.CtrlDecode);
            Read(R.Error, R.SeqLen);
            Write(R.Error, CsrMap.ErrorMask);
        }

        // Decode the tokens in two commands: the second continues the sequence.
        var first = (tokens + 1) / 2;
        void Decode(int from, int count)
        {
            Write(R.Tokens, (uint)count);
            Write(R.XBase, layout.XBase + (uint)(from * layout.TokenBytes));
            Write(R.OBase, layout.OBase + (uint)(from * layout.OutputBytes));
            Write(R.Ctrl, R.CtrlDecode);
            if (from == 0)
            {
                // Misuse while busy: other commands and register writes are refused, the decode goes on.
                Write(R.Ctrl, R.CtrlLoad);
                Write(R.Ctrl, R.CtrlClear);
                Write(R.WBase, 0);
                Write(R.Tokens, (uint)count + 1);
                Read(R.Error, R.WBase, R.Tokens);
                Write(R.Error, CsrMap.ErrorMask);
            }

            list.Add(new HeadCommand.WaitIrq());
            Read(counters);
        }

        Decode(0, first);
        // One token more than the caches can hold: refused, with nothing changed.
        Write(R.Tokens, (uint)(config.Model.MaxSeqLen - first + 1));
        Run(R.CtrlDecode);
        Read(R.Error, R.Status, R.SeqLen);
        Write(R.Error, CsrMap.ErrorMask);
        if (tokens > first)
        {
            Decode(first, tokens - first);
        }

        // A new sequence: clear the caches and decode the first token again.
        Run(R.CtrlClear);
        Read(R.Status, R.SeqLen);
        Write(R.Tokens, 1);
        Write(R.XBase, layout.XBase);
        Write(R.OBase, layout.OBase + (uint)(tokens * layout.OutputBytes));
        Run(R.CtrlDecode);
        Read(counters);
        list.Add(new HeadCommand.Idle(3));
        return list;
    }

    private List<Expectation> Expectations(AttentionConfig config, IReadOnlyList<HeadEvent> events, IReadOnlyList<ArrayStep> rows,
        MemoryLayout layout)
    {
        var dataWidth = config.Format.DataWidth;
        var scoreWidth = config.ScoreShape.AccWidth;
        var countWidth = PimMath.AddressBits(config.Model.MaxSeqLen + 1);
        var timed = !Options.Stalls;
        var list = new List<Expectation>();
        void Add(long cycle, string port, long[] elements, int width, string what, Func<int, string> coordinate, bool signed = true) =>
            list.Add(new Expectation(cycle, port, elements, width, what, coordinate, signed) { Timed = timed });

        static string Name(int offset) => CsrMap.At(offset)?.Name ?? $"0x{offset:x2}";

        HeadStep Step(HeadEvent e, string what) => e.Index < rows.Count ? rows[e.Index].Heads[e.Head] : throw new InvalidOperationException(
            $"the timing model predicts {what} #{e.Index}, but only {rows.Count} tokens are decoded");

        foreach (var e in events)
        {
            var h = array ? $"h{e.Head}." : "";
            var of = array ? $" in head {e.Head}" : "";
            switch (e.Kind)
            {
                case HeadEventKind.Projection:
                    {
                        var step = Step(e, "a projection");
                        Add(e.Cycle, h + "q", step.Q, dataWidth, $"q of token #{e.Index}{of}", i => $"q[{i}]");
                        Add(e.Cycle, h + "k", step.K, dataWidth, $"k of token #{e.Index}{of}", i => $"k[{i}]");
                        Add(e.Cycle, h + "v", step.V, dataWidth, $"v of token #{e.Index}{of}", i => $"v[{i}]");
                        break;
                    }

                case HeadEventKind.Scores:
                    {
                        var step = Step(e, "a score vector");
                        Add(e.Cycle, h + "s", step.Scores, scoreWidth, $"scores of token #{e.Index}{of}", i => $"s[{i}] = q . k_{i}");
                        Add(e.Cycle, h + "s_count", [e.Value], countWidth, $"token count with the scores of token #{e.Index}{of}", _ => "count", signed: false);
                        break;
                    }

                case HeadEventKind.Probabilities:
                    {
                        var step = Step(e, "a probability vector");
                        Add(e.Cycle, h + "p", step.Probabilities, config.Softmax.ProbBits, $"probabilities of token #{e.Index}{of}", i => $"p[{i}]", signed: false);
                        break;
                    }

                case HeadEventKind.Output:
                    Add(e.Cycle, h + "o", Step(e, "an output").Output, dataWidth, $"output of token #{e.Index}{of}", i => $"o[{i}]");
                    break;

                case HeadEventKind.Row:
                    {
                        var row = e.Index < rows.Count ? rows[e.Index].Output : throw new InvalidOperationException("more rows than tokens");
                        var what = config.Model.OutputProjection ? "W_O output" : "concatenated output";
                        Add(e.Cycle, "row", row, dataWidth, $"{what} row of token #{e.Index}", i => $"row[{i}]");
                        break;
                    }

                case HeadEventKind.MemWrite:
                    {
                        var token = e.Index / layout.OutputWords;
                        var word = e.Index % layout.OutputWords;
                        var perWord = config.Bus.DataWidth / dataWidth;
                        var output = token < rows.Count ? rows[token].Output : throw new InvalidOperationException("more writes than outputs");
                        var expectedAddress = layout.OBase + (long)(token * layout.OutputWords + word) * layout.BusBytes;
                        Add(e.Cycle, "mem_waddr", [expectedAddress], 32, $"address of word {word} of output #{token}", _ => "address", signed: false);
                        if (e.Value != expectedAddress)
                        {
                            throw new InvalidOperationException($"the timing model writes output #{token} word {word} to 0x{e.Value:x}, not 0x{expectedAddress:x}");
                        }

                        Add(e.Cycle, "mem_wdata", output.Skip(word * perWord).Take(perWord).ToArray(), dataWidth,
                            $"word {word} of output #{token}", i => $"o[{word * perWord + i}]");
                        break;
                    }

                case HeadEventKind.CsrRead:
                    if (Options.Stalls && ControlTiming.DependsOnMemory(e.Offset))
                    {
                        // The value depends on the stall pattern; the read still happens, in order.
                        list.Add(new Expectation(e.Cycle, "csr", [e.Value], 32, $"CSR {Name(e.Offset)}", _ => Name(e.Offset), Signed: false)
                        { Timed = false, ValueChecked = false });
                        break;
                    }

                    Add(e.Cycle, "csr", [e.Value], 32, $"read of CSR {Name(e.Offset)} (0x{e.Offset:x2})", _ => Name(e.Offset), signed: false);
                    break;
            }
        }

        return list;
    }
}

/// <summary>One head the bench traces: its instance path, the suffix of its bench signals and the prefix of its trace ports.</summary>
public sealed record TracedHead(int Index, string Path, string Suffix, string Prefix);

public sealed record TopBenchView(string Banner, string TbName, string Dut, bool IsArray, IReadOnlyList<TracedHead> Heads, int Masters,
    int FairnessBound, int QueueDepth, int RowWidth, int BusWidth, int MemWords, int DHead, int MaxSeqLen, int DataWidth, int ScoreWidth, int ProbBits,
    int ChunkBits, string PreloadTask)
{
    public static TopBenchView From(AttentionConfig c, string banner, bool array = false, int? fairnessBound = null)
    {
        var heads = array
            ? Enumerable.Range(0, c.Model.Heads).Select(h => new TracedHead(h, $"u_dut.g_head[{h}].u_head", $"_h{h}", $"h{h}.")).ToList()
            : [new TracedHead(0, "u_dut.u_head", "", "")];
        var masters = array ? c.Model.Heads + 1 : 1;
        // The memory queues every request the DUT may have in flight (at least 64, the largest Bus.MaxOutstanding).
        var depth = 64;
        while (depth < masters * c.Bus.MaxOutstanding)
        {
            depth *= 2;
        }

        var layout = array ? MemoryLayout.ForArray(c) : MemoryLayout.For(c);
        return new(banner, array ? "al_tb_array" : "al_tb_top", array ? "al_array" : "al_top", array, heads, masters,
            fairnessBound ?? masters - 1, depth,
            c.Model.RowElements * c.Format.DataWidth, c.Bus.DataWidth, layout.Words, c.Model.DHead, c.Model.MaxSeqLen, c.Format.DataWidth,
            c.ScoreShape.AccWidth, c.Softmax.ProbBits, WideVectors.ChunkBits, BackdoorPreload.Task(c, array, "u_dut"));
    }
}
