namespace AttentionLego.Cosim.Waves;

/// <summary>
/// One signal of a VCD file: one identifier code, which several <c>$var</c> declarations (aliases) may share.
/// Its changes are stored compactly: a sorted array of times and, per change, the value packed two bits per bit
/// (0, 1, x, z), or the text of a real value. Changes at the same time collapse into the last one.
/// </summary>
public sealed class VcdSignal
{
    private const string Codes = "01xz";

    private readonly List<string> _names = [];
    private readonly List<string>? _reals;
    private readonly int _stride;
    private long[] _times = [];
    private byte[] _packed = [];
    private int _count;

    /// <summary>A signal with no change yet: nothing of its width is allocated before its first change.</summary>
    internal VcdSignal(string id, int width, bool isReal)
    {
        Id = id;
        Width = width;
        IsReal = isReal;
        _stride = isReal ? 0 : (width + 3) / 4;
        _reals = isReal ? [] : null;
    }

    /// <summary>The identifier code in the file.</summary>
    public string Id { get; }

    /// <summary>Bits of the value (a real's declared size).</summary>
    public int Width { get; }

    /// <summary>A <c>real</c>/<c>realtime</c> variable: its values are kept as text.</summary>
    public bool IsReal { get; }

    /// <summary>Every full dotted name declared with this identifier code, in declaration order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Stored changes (one per time at which the value was written).</summary>
    public int ChangeCount => _count;

    /// <summary>The value before the first change: all x (a real: "x").</summary>
    public string Unknown => IsReal ? "x" : new string('x', Width);

    public long TimeOf(int change) => _times[change];

    /// <summary>The value of change <paramref name="change"/>, MSB first ('0', '1', 'x', 'z'), or a real's text.</summary>
    public string ValueOf(int change)
    {
        if (change < 0)
        {
            return Unknown;
        }

        if (_reals is not null)
        {
            return _reals[change];
        }

        return string.Create(Width, (_packed, change * _stride), static (span, state) =>
        {
            var (packed, offset) = state;
            for (var bit = 0; bit < span.Length; bit++)
            {
                // bit 0 of the value (LSB) is the last character
                var code = (packed[offset + (bit >> 2)] >> ((bit & 3) * 2)) & 3;
                span[span.Length - 1 - bit] = Codes[code];
            }
        });
    }

    /// <summary>The value at <paramref name="time"/>, after every change at that time.</summary>
    public string ValueAt(long time) => ValueOf(IndexAt(time));

    /// <summary>The value just before <paramref name="time"/> (what a flop clocked at that time samples).</summary>
    public string ValueBefore(long time) => ValueOf(IndexBefore(time));

    /// <summary>The last change at or before <paramref name="time"/>, or -1.</summary>
    public int IndexAt(long time) => LastIndexBelow(time, inclusive: true);

    /// <summary>The last change strictly before <paramref name="time"/>, or -1.</summary>
    public int IndexBefore(long time) => LastIndexBelow(time, inclusive: false);

    /// <summary>Changes <paramref name="a"/> and <paramref name="b"/> (-1: none yet) hold the same value.</summary>
    internal bool SameValue(int a, int b)
    {
        if (a == b)
        {
            return true;
        }

        if (a < 0 || b < 0)
        {
            return ValueOf(a) == ValueOf(b);
        }

        return _reals is not null
            ? _reals[a] == _reals[b]
            : _packed.AsSpan(a * _stride, _stride).SequenceEqual(_packed.AsSpan(b * _stride, _stride));
    }

    internal void AddName(string name) => _names.Add(name);

    /// <summary>
    /// The bytes <see cref="Add"/> at <paramref name="time"/> would allocate (its arrays grow by doubling), so a reader can
    /// refuse a change before it is made; 0 when it fits.
    /// </summary>
    internal long GrowthIfAdded(long time) =>
        (_count > 0 && _times[_count - 1] == time) || _count < _times.Length ? 0 : (long)(Capacity(_times.Length) - _times.Length) * (8 + _stride);

    private static int Capacity(int current) => current == 0 ? 4 : current * 2;

    /// <summary>Records a change; <paramref name="value"/> is already checked and extended to <see cref="Width"/> (or a real's text).</summary>
    internal void Add(long time, string value)
    {
        int index;
        if (_count > 0 && _times[_count - 1] == time)
        {
            index = _count - 1;
        }
        else
        {
            if (_count == _times.Length)
            {
                Array.Resize(ref _times, Capacity(_times.Length));
                if (_reals is null)
                {
                    Array.Resize(ref _packed, checked(_times.Length * _stride));
                }
            }

            index = _count++;
            _times[index] = time;
        }

        if (_reals is not null)
        {
            if (index == _reals.Count)
            {
                _reals.Add(value);
            }
            else
            {
                _reals[index] = value;
            }

            return;
        }

        var slot = _packed.AsSpan(index * _stride, _stride);
        slot.Clear();
        for (var bit = 0; bit < Width; bit++)
        {
            var code = value[Width - 1 - bit] switch
            {
                '0' => 0,
                '1' => 1,
                'x' => 2,
                _ => 3,
            };
            slot[bit >> 2] |= (byte)(code << ((bit & 3) * 2));
        }
    }

    private int LastIndexBelow(long time, bool inclusive)
    {
        int lo = 0, hi = _count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var t = _times[mid];
            if (t < time || (inclusive && t == time))
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
