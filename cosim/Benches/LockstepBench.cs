using System.Numerics;

namespace AttentionLego.Cosim.Benches;

/// <summary>One port of a DUT under a lockstep bench: its name and width in bits.</summary>
public sealed record LockstepPort(string Name, int Width);

/// <summary>An input's place in the packed stimulus vector (the bench template substitutes it).</summary>
public sealed record LockstepInput(string Name, int Width, int Lsb)
{
    public int Msb => Lsb + Width - 1;
}

/// <summary>View-model of <c>templates/tb/al_tb_lockstep.v.sbn</c>: the DUT, its inputs packed into one vector, its outputs.</summary>
public sealed record LockstepView(string Banner, string TbName, string Dut, IReadOnlyList<LockstepInput> Inputs, IReadOnlyList<LockstepPort> Outputs)
{
    public int InWidth => Inputs.Sum(p => p.Width);

    /// <summary>Width of one hex word in the stimulus file (see <see cref="PimMatrixView.ChunkBits"/>).</summary>
    public int ChunkBits => Math.Min(4096, InWidth);

    public static LockstepView From(string banner, string tbName, string dut, IReadOnlyList<LockstepPort> inputs, IReadOnlyList<LockstepPort> outputs)
    {
        var lsb = 0;
        var packed = new List<LockstepInput>();
        foreach (var p in inputs)
        {
            packed.Add(new LockstepInput(p.Name, p.Width, lsb));
            lsb += p.Width;
        }

        return new(banner, tbName, dut, packed, outputs);
    }
}

/// <summary>
/// A module bench that runs the DUT and its golden cycle mirror in lockstep at its ports: the bench chooses every input
/// of every cycle (random, protocol-legal, reacting to the mirror's state), the mirror predicts every output of that
/// cycle, and the RTL, driven by the same inputs through the generic <c>al_tb_lockstep</c> testbench, writes every
/// output of every cycle. A divergence is reported in the cycle and on the output where it appears.
/// </summary>
/// <param name="module">The <c>--module</c> name, e.g. <c>dma</c>.</param>
/// <param name="dut">The module under test, e.g. <c>al_dma</c>.</param>
public abstract class LockstepBench(string module, string dut) : IModuleBench
{
    public string Module => module;

    public string Dut => dut;

    public string TopModule => "al_tb_" + Module;

    /// <summary>The DUT's inputs besides clk_i and rst_ni, in the order they are packed.</summary>
    public abstract IReadOnlyList<LockstepPort> Inputs(AttentionConfig config);

    /// <summary>The DUT's outputs, in the order they are traced each cycle.</summary>
    public abstract IReadOnlyList<LockstepPort> Outputs(AttentionConfig config);

    /// <summary>A lockstep bench records every output of the DUT in every cycle.</summary>
    public IReadOnlyList<WaveProbe> Probes(AttentionConfig config) => [.. Outputs(config).Select(p => new WaveProbe(p.Name, "u_dut." + p.Name, []))];

    public IReadOnlyList<RenderedFile> Sources(AttentionConfig config) =>
    [
        .. RtlGenerator.Hierarchy(config, Dut),
        RtlGenerator.File("tb/al_tb_lockstep.v.sbn", TopModule + ".v", config,
            b => LockstepView.From(b, TopModule, Dut, Inputs(config), Outputs(config))),
    ];

    public BenchCase Generate(AttentionConfig config, int seed)
    {
        var cycles = new LockstepCycles(Dut, Inputs(config), Outputs(config));
        Drive(config, new StimulusRandom(seed), cycles);
        return cycles.Case();
    }

    /// <summary>Runs the mirror for the whole case, one <see cref="LockstepCycles.Next"/> per cycle.</summary>
    protected abstract void Drive(AttentionConfig config, StimulusRandom random, LockstepCycles cycles);
}

/// <summary>A port's value in one cycle: a number, or <see cref="None"/> for an output that is undefined in that cycle.</summary>
public readonly record struct PortValue(BigInteger? Value)
{
    /// <summary>An output not defined in this cycle (e.g. an address while no request is valid): traced, not compared.</summary>
    public static PortValue None => default;

    public static implicit operator PortValue(bool value) => new(value ? BigInteger.One : BigInteger.Zero);

    public static implicit operator PortValue(int value) => new(value);

    public static implicit operator PortValue(uint value) => new(value);

    public static implicit operator PortValue(BigInteger value) => new(value);
}

/// <summary>
/// Collects a lockstep case cycle by cycle: <see cref="Drive"/> sets every input of the cycle (in port order), then
/// <see cref="Expect"/> predicts every output (in port order) and closes the cycle, writing its stimulus line and
/// expectations.
/// </summary>
public sealed class LockstepCycles
{
    private readonly string _dut;
    private readonly IReadOnlyList<LockstepPort> _inputs, _outputs;
    private readonly StimulusWriter _stimulus;
    private readonly List<Expectation> _expected = [];
    private bool _driven;

    public LockstepCycles(string dut, IReadOnlyList<LockstepPort> inputs, IReadOnlyList<LockstepPort> outputs)
    {
        (_dut, _inputs, _outputs) = (dut, inputs, outputs);
        var width = inputs.Sum(p => p.Width);
        var chunkBits = Math.Min(4096, width);
        _stimulus = new StimulusWriter(chunkBits, (width + chunkBits - 1) / chunkBits);
    }

    /// <summary>The cycle being built (0 is the first cycle out of reset).</summary>
    public long Cycle { get; private set; }

    /// <summary>The inputs of this cycle, one per input port, in port order.</summary>
    public void Drive(params PortValue[] values)
    {
        Check(_inputs, values, "inputs");
        var packed = BigInteger.Zero;
        var lsb = 0;
        for (var i = 0; i < _inputs.Count; i++)
        {
            var p = _inputs[i];
            var value = values[i].Value ?? throw new InvalidOperationException($"{_dut} bench: input {p.Name} has no value in cycle {Cycle}");
            if (value.Sign < 0 || value >> p.Width != 0)
            {
                throw new InvalidOperationException($"{_dut} bench: input {p.Name} = {value} does not fit {p.Width} bits in cycle {Cycle}");
            }

            packed |= value << lsb;
            lsb += p.Width;
        }

        _stimulus.WideOp(0, 0, 0, packed);
        _driven = true;
    }

    /// <summary>The outputs of this cycle, one per output port, in port order; closes the cycle.</summary>
    public void Expect(params PortValue[] values)
    {
        if (!_driven)
        {
            throw new InvalidOperationException($"{_dut} bench: outputs of cycle {Cycle} predicted before its inputs were driven");
        }

        Check(_outputs, values, "outputs");
        for (var i = 0; i < _outputs.Count; i++)
        {
            _expected.Add(Expectation(_outputs[i], values[i].Value));
        }

        _driven = false;
        Cycle++;
    }

    public BenchCase Case() => new(_stimulus.ToString(), _expected, Cycle + 100);

    private void Check(IReadOnlyList<LockstepPort> ports, PortValue[] values, string what)
    {
        if (values.Length != ports.Count)
        {
            throw new ArgumentException($"{_dut} bench: {values.Length} {what} in cycle {Cycle}, but the DUT has {ports.Count}", nameof(values));
        }
    }

    private Expectation Expectation(LockstepPort port, BigInteger? value)
    {
        // One element for a control port; a wide data port in 32-bit (or narrower) elements, named by their bits.
        var element = port.Width <= 32 ? port.Width : new[] { 32, 16, 8, 4, 2, 1 }.First(w => port.Width % w == 0);
        var count = port.Width / element;
        var mask = (BigInteger.One << element) - 1;
        var elements = new long[count];
        for (var i = 0; value is { } v && i < count; i++)
        {
            elements[i] = (long)((v >> (i * element)) & mask);
        }

        Func<int, string> coordinate = count == 1 ? _ => "the whole port" : i => $"bits [{(i + 1) * element - 1}:{i * element}]";
        return new Expectation(Cycle, port.Name, elements, element, $"{_dut}.{port.Name} in cycle {Cycle}", coordinate, Signed: false)
        {
            ValueChecked = value is not null,
        };
    }
}
