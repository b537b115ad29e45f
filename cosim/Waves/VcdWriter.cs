using System.Numerics;
using System.Text;

namespace AttentionLego.Cosim.Waves;

/// <summary>
/// Writes a deterministic VCD file (no <c>$date</c>): declare every signal with <see cref="AddSignal"/>, then
/// report values with <see cref="Change(long,int,string)"/> in non-decreasing time. Changes are grouped into one
/// <c>#t</c> block per time, signals in declaration order; a change to the value a signal already has is not
/// written. Vectors use the shortest encoding that §18's left-extension restores. Dispose flushes the output
/// (it does not close it: the caller owns the <see cref="TextWriter"/>).
/// </summary>
public sealed class VcdWriter : IDisposable
{
    private readonly TextWriter _output;
    private readonly string _timescale;
    private readonly List<(string Path, int Width)> _signals = [];
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, string> _pending = [];
    private string[] _current = [];
    private long _pendingTime;
    private bool _started;
    private bool _dumpvarsWritten;
    private bool _disposed;

    public VcdWriter(TextWriter output, string timescale = "1ps")
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _timescale = (VcdTimescale.TryParse(timescale) ??
                      throw new ArgumentException($"timescale \"{timescale}\" is not 1, 10 or 100 of s, ms, us, ns, ps or fs (e.g. 1ps).", nameof(timescale))).ToString();
    }

    /// <summary>
    /// Declares a signal by its dotted path (e.g. <c>TOP.al_tb_x.u_dut.o_data</c>; a segment may hold brackets such
    /// as <c>g_head[0]</c>) and returns its handle for <see cref="Change(long,int,string)"/>.
    /// </summary>
    public int AddSignal(string path, int width)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_started)
        {
            throw new InvalidOperationException($"AddSignal(\"{path}\") after the first Change: declare every signal first.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var segments = Split(path);
        if (segments.Count < 2 || segments.Any(s => s.Length == 0 || s.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"signal path \"{path}\" must be scope.name with non-empty segments and no white space.", nameof(path));
        }

        if (!_paths.Add(path))
        {
            throw new ArgumentException($"signal \"{path}\" was already added.", nameof(path));
        }

        _signals.Add((path, width));
        return _signals.Count - 1;
    }

    /// <summary>
    /// Sets signal <paramref name="signal"/> to <paramref name="bits"/> (MSB first '0', '1', 'x', 'z', exactly its width,
    /// or one character broadcast to the width) at <paramref name="time"/>.
    /// </summary>
    public void Change(long time, int signal, string bits)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(bits);
        if ((uint)signal >= (uint)_signals.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(signal), $"signal {signal} was not returned by AddSignal ({_signals.Count} signals).");
        }

        var width = _signals[signal].Width;
        var value = bits.ToLowerInvariant();
        if (value.Length == 1 && width > 1)
        {
            value = new string(value[0], width);
        }

        if (value.Length != width || value.AsSpan().IndexOfAnyExcept("01xz") >= 0)
        {
            throw new ArgumentException($"value \"{bits}\" of {_signals[signal].Path} must be {width} characters of 0, 1, x, z (or one, broadcast).", nameof(bits));
        }

        Start();
        if (time < _pendingTime)
        {
            throw new ArgumentException($"time {time} is before {_pendingTime}: changes must come in non-decreasing time.", nameof(time));
        }

        if (time > _pendingTime)
        {
            Flush();
            _pendingTime = time;
        }

        _pending[signal] = value;
    }

    /// <summary>Sets a signal to a non-negative integer that fits its width.</summary>
    public void Change(long time, int signal, BigInteger value)
    {
        if ((uint)signal >= (uint)_signals.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(signal), $"signal {signal} was not returned by AddSignal ({_signals.Count} signals).");
        }

        var width = _signals[signal].Width;
        if (value.Sign < 0 || value.GetBitLength() > width)
        {
            throw new ArgumentOutOfRangeException(nameof(value), $"{value} does not fit the {width} unsigned bits of {_signals[signal].Path}.");
        }

        // Little-endian bytes: linear in the width (shifting a BigInteger per bit is quadratic for wide buses).
        var bytes = value.ToByteArray(isUnsigned: true, isBigEndian: false);
        var chars = new char[width];
        for (var bit = 0; bit < width; bit++)
        {
            var set = (bit >> 3) < bytes.Length && ((bytes[bit >> 3] >> (bit & 7)) & 1) != 0;
            chars[width - 1 - bit] = set ? '1' : '0';
        }

        Change(time, signal, new string(chars));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Start();
        Flush();
        _output.Flush();
        _disposed = true;
    }

    /// <summary>The identifier code of signal <paramref name="index"/>: base 94 over the printable characters '!'..'~'.</summary>
    internal static string IdCode(int index)
    {
        var code = new StringBuilder();
        do
        {
            code.Append((char)('!' + (index % 94)));
            index = (index / 94) - 1;
        }
        while (index >= 0);
        return code.ToString();
    }

    /// <summary>The shortest vector text that left-extension (§18.2.1) turns back into <paramref name="value"/>.</summary>
    internal static string Shorten(string value)
    {
        var start = 0;
        while (start < value.Length - 1)
        {
            var (c, next) = (value[start], value[start + 1]);
            var drop = c == '0' ? next is '0' or '1' : c is 'x' or 'z' && next == c;
            if (!drop)
            {
                break;
            }

            start++;
        }

        return value[start..];
    }

    private static List<string> Split(string path)
    {
        // Split on dots outside brackets, so "g_head[0]" (or an escaped "a.b[1.2]") stays one segment.
        var segments = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < path.Length; i++)
        {
            depth += path[i] switch { '[' => 1, ']' => -1, _ => 0 };
            if (path[i] == '.' && depth == 0)
            {
                segments.Add(path[start..i]);
                start = i + 1;
            }
        }

        segments.Add(path[start..]);
        return segments;
    }

    private void Start()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _current = _signals.Select(s => new string('x', s.Width)).ToArray();
        var w = _output;
        w.Write("$version AttentionLego.Gen $end\n");
        w.Write($"$timescale {_timescale} $end\n");
        var root = new Scope("");
        for (var i = 0; i < _signals.Count; i++)
        {
            var segments = Split(_signals[i].Path);
            var scope = root;
            foreach (var name in segments.Take(segments.Count - 1))
            {
                scope = scope.Child(name);
            }

            scope.Items.Add((null, i, segments[^1]));
        }

        foreach (var item in root.Items)
        {
            WriteScope(item.Scope!, 0);
        }

        w.Write("$enddefinitions $end\n");
    }

    private void WriteScope(Scope scope, int depth)
    {
        var indent = new string(' ', depth);
        _output.Write($"{indent}$scope module {scope.Name} $end\n");
        foreach (var (child, signal, name) in scope.Items)
        {
            if (child is not null)
            {
                WriteScope(child, depth + 1);
                continue;
            }

            var width = _signals[signal].Width;
            var range = width > 1 ? $" [{width - 1}:0]" : "";
            _output.Write($"{indent} $var wire {width} {IdCode(signal)} {name}{range} $end\n");
        }

        _output.Write($"{indent}$upscope $end\n");
    }

    private void Flush()
    {
        if (!_dumpvarsWritten)
        {
            // The initial values: x, or what was set at time 0.
            if (_pendingTime == 0)
            {
                foreach (var (signal, value) in _pending)
                {
                    _current[signal] = value;
                }

                _pending.Clear();
            }

            _output.Write("#0\n$dumpvars\n");
            for (var i = 0; i < _signals.Count; i++)
            {
                WriteValue(i, _current[i]);
            }

            _output.Write("$end\n");
            _dumpvarsWritten = true;
        }

        var header = false;
        foreach (var (signal, value) in _pending)
        {
            if (value == _current[signal])
            {
                continue;
            }

            if (!header)
            {
                _output.Write($"#{_pendingTime}\n");
                header = true;
            }

            _current[signal] = value;
            WriteValue(signal, value);
        }

        _pending.Clear();
    }

    private void WriteValue(int signal, string value)
    {
        _output.Write(_signals[signal].Width == 1 ? $"{value}{IdCode(signal)}\n" : $"b{Shorten(value)} {IdCode(signal)}\n");
    }

    /// <summary>A scope and its items (child scopes and variables) in order of first appearance.</summary>
    private sealed class Scope(string name)
    {
        private readonly Dictionary<string, Scope> _children = new(StringComparer.Ordinal);

        public string Name { get; } = name;

        public List<(Scope? Scope, int Signal, string Name)> Items { get; } = [];

        public Scope Child(string name)
        {
            if (!_children.TryGetValue(name, out var child))
            {
                child = new Scope(name);
                _children.Add(name, child);
                Items.Add((child, -1, name));
            }

            return child;
        }
    }
}
