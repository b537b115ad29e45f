using System.Globalization;
using System.Text;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.IO;

namespace AttentionLego.Cosim.Waves;

/// <summary>
/// Reads a VCD file (IEEE 1364-2005 §18) as a stream of whitespace-separated tokens, read in 64 KiB blocks, so files of
/// hundreds of MB never sit in one string, not even a file without line breaks. Handles Verilator's and Icarus's
/// dialects: nested scopes (generate scopes such as <c>g_lane[0]</c>), aliases, <c>$dumpvars/$dumpon/$dumpoff/$dumpall</c>
/// blocks, scalar, vector (left-extended) and real changes. Malformed input throws <see cref="VcdFormatException"/>;
/// input beyond <see cref="VcdLimits"/> (a width, a token, the variables, the memory the values take) throws a
/// <see cref="WaveException"/> before the allocation it would need. Both quote bad tokens as short escaped excerpts.
/// </summary>
public static class VcdReader
{
    public static VcdFile Load(string path, CancellationToken ct = default) => Load(path, VcdLimits.Default, ct);

    public static VcdFile Load(string path, VcdLimits limits, CancellationToken ct = default)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Read(reader, path, limits, ct);
    }

    public static VcdFile Parse(string text, string source = "<text>", VcdLimits? limits = null) =>
        Read(new StringReader(text), source, limits ?? VcdLimits.Default);

    public static VcdFile Read(TextReader reader, string source, CancellationToken ct = default) => Read(reader, source, VcdLimits.Default, ct);

    public static VcdFile Read(TextReader reader, string source, VcdLimits limits, CancellationToken ct = default)
    {
        var tokens = new Tokenizer(reader, source, limits, ct);
        var memory = new Memory(tokens, limits);
        string? date = null, version = null;
        VcdTimescale? timescale = null;
        var scopes = new List<string>();
        var scopePath = 0; // characters of the open scopes joined with '.', bounded like a name
        var variables = new List<VcdVariable>();
        var signals = new List<VcdSignal>();
        var byId = new Dictionary<string, VcdSignal>(StringComparer.Ordinal);

        while (true)
        {
            var token = tokens.Next() ?? throw tokens.Error("expected $enddefinitions $end before the end of the file");
            switch (token)
            {
                case "$date":
                    date = tokens.UntilEnd(token, " ");
                    break;
                case "$version":
                    version = tokens.UntilEnd(token, " ");
                    break;
                case "$comment":
                    tokens.UntilEnd(token, " ");
                    break;
                case "$timescale":
                    var text = tokens.UntilEnd(token, "");
                    timescale = VcdTimescale.TryParse(text) ??
                                throw tokens.Error($"expected a timescale such as 1ps, 1 ns or 10ns, found \"{Quote(text)}\"");
                    break;
                case "$scope":
                    tokens.Required("a scope kind (module, begin, ...)");
                    var scope = tokens.Name(tokens.Required("a scope name"), "scope name");
                    scopePath += scope.Length + 1;
                    if (scopePath > limits.MaxNameLength)
                    {
                        throw tokens.Beyond($"scopes nested {scopes.Count + 1:N0} deep whose path is {scopePath:N0} characters long; " +
                                            $"hierarchical names are read up to {limits.MaxNameLength:N0}", "check that this is a VCD file (a wave dump)");
                    }

                    scopes.Add(scope);
                    tokens.ExpectEnd("$scope <kind> <name>");
                    break;
                case "$upscope":
                    if (scopes.Count == 0)
                    {
                        throw tokens.Error("$upscope without an open $scope");
                    }

                    scopePath -= scopes[^1].Length + 1;
                    scopes.RemoveAt(scopes.Count - 1);
                    tokens.ExpectEnd("$upscope");
                    break;
                case "$var":
                    if (variables.Count >= limits.MaxVariables)
                    {
                        throw tokens.Beyond($"it declares more than {limits.MaxVariables:N0} variables, the most attnlego reads from one wave file",
                            "dump fewer signals (a scope, or the window cosim --waves dumps), or compare a part of the design");
                    }

                    var variable = ReadVar(tokens, memory, scopes, byId, signals);
                    variables.Add(variable);
                    break;
                case "$enddefinitions":
                    tokens.ExpectEnd("$enddefinitions");
                    var (first, last) = ReadChanges(tokens, memory, byId);
                    return new VcdFile(source, date, version, timescale ?? new VcdTimescale(1, "s"), variables, signals, first, last);
                default:
                    throw tokens.Error($"expected a declaration ($scope, $var, $upscope, $timescale, $enddefinitions, ...), found \"{Quote(token)}\"");
            }
        }
    }

    /// <summary>Extends a vector value to <paramref name="width"/> bits as §18.2.1 says: with 0, or with x/z when its leftmost bit is x/z.</summary>
    public static string? Extend(string bits, int width)
    {
        if (bits.Length == width)
        {
            return bits;
        }

        if (bits.Length > width || bits.Length == 0)
        {
            return null;
        }

        var pad = bits[0] is 'x' or 'z' ? bits[0] : '0';
        return new string(pad, width - bits.Length) + bits;
    }

    /// <summary>A token as a message quotes it: a short escaped excerpt.</summary>
    private static string Quote(string token) => Excerpt.Of(token);

    private static VcdVariable ReadVar(Tokenizer tokens, Memory memory, List<string> scopes, Dictionary<string, VcdSignal> byId, List<VcdSignal> signals)
    {
        var type = tokens.Required("a variable type (wire, reg, ...)");
        var sizeText = tokens.Required("a variable size");
        var digits = sizeText.Length > 0 && sizeText.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
        if (!digits || (long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var declared) && declared < 1))
        {
            throw tokens.Error($"expected a positive variable size, found \"{Quote(sizeText)}\"");
        }

        if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out declared))
        {
            declared = long.MaxValue; // more digits than a long holds: beyond any limit
        }

        var id = tokens.Required("an identifier code");
        if (id == "$end")
        {
            throw tokens.Error($"expected an identifier code, found \"{Quote(id)}\"");
        }

        var reference = tokens.Required("a reference name");
        if (reference == "$end")
        {
            throw tokens.Error("expected a reference name after the identifier code, found $end");
        }

        tokens.Name(reference, "reference name");

        // The width is checked before anything of its size is made: a signal's changes are kept packed, width / 4 bytes each.
        if (declared > memory.Limits.MaxWidth)
        {
            var bits = declared == long.MaxValue ? Quote(sizeText) : declared.ToString("N0", CultureInfo.InvariantCulture);
            throw tokens.Beyond($"$var \"{Quote(reference)}\" declares {bits} bits; attnlego reads at most {memory.Limits.MaxWidth:N0} bits per signal " +
                                "(2^24: 16 times the widest vector it generates, Model.DModel 65536 x Format.DataWidth 16)",
                "leave this signal out of the dump, or dump it in slices");
        }

        var size = (int)declared;
        string? range = null;
        var next = tokens.Required("$end");
        if (next != "$end")
        {
            if (!next.StartsWith('['))
            {
                throw tokens.Error($"expected a range such as [7:0] or $end after \"{Quote(reference)}\", found \"{Quote(next)}\"");
            }

            range = next;
            tokens.ExpectEnd("$var <type> <size> <id> <reference> [range]");
        }

        // "name[7:0]" written without a space is the same as "name [7:0]".
        var bracket = reference.IndexOf('[');
        if (range is null && bracket > 0 && reference.EndsWith(']') && reference.IndexOf(':', bracket) > 0)
        {
            range = reference[bracket..];
            reference = reference[..bracket];
        }

        // A bit select ("name [3]") is part of the name; a range ("[7:0]") is not.
        if (range is not null && !range.Contains(':'))
        {
            reference += range;
            range = null;
        }

        var isReal = type is "real" or "realtime";
        if (byId.TryGetValue(id, out var signal))
        {
            if (signal.Width != size || signal.IsReal != isReal)
            {
                throw tokens.Error($"identifier code \"{Quote(id)}\" was declared with size {signal.Width}, now {size}: aliases must have the same size");
            }
        }
        else
        {
            memory.Reserve(null, Memory.SignalOverhead + (2L * id.Length));
            signal = new VcdSignal(id, size, isReal);
            byId.Add(id, signal);
            signals.Add(signal);
        }

        var fullName = scopes.Count == 0 ? reference : string.Join('.', scopes) + "." + reference;
        memory.Reserve(null, Memory.VariableOverhead + (4L * fullName.Length) + (2L * (type.Length + (range?.Length ?? 0))));
        signal.AddName(fullName);
        return new VcdVariable(fullName, type, size, range, signal);
    }

    private static (long? First, long? Last) ReadChanges(Tokenizer tokens, Memory memory, Dictionary<string, VcdSignal> byId)
    {
        long? first = null;
        long time = 0;
        var inBlock = false;
        while (tokens.Next() is { } token)
        {
            switch (token[0])
            {
                case '#':
                    if (!long.TryParse(token.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                    {
                        throw tokens.Error($"expected a time such as #100, found \"{Quote(token)}\"");
                    }

                    if (first is not null && t < time)
                    {
                        throw tokens.Error($"time #{t} goes back from #{time}: times must not decrease");
                    }

                    first ??= t;
                    time = t;
                    break;
                case '$':
                    switch (token)
                    {
                        case "$dumpvars" or "$dumpon" or "$dumpoff" or "$dumpall":
                            if (inBlock)
                            {
                                throw tokens.Error($"expected $end before {token}");
                            }

                            inBlock = true;
                            break;
                        case "$end" when inBlock:
                            inBlock = false;
                            break;
                        case "$comment":
                            tokens.UntilEnd(token, " ");
                            break;
                        default:
                            throw tokens.Error($"expected a value change, #time or $dumpvars/$dumpon/$dumpoff/$dumpall/$comment, found \"{Quote(token)}\"");
                    }

                    break;
                case '0' or '1' or 'x' or 'X' or 'z' or 'Z':
                    if (token.Length < 2)
                    {
                        throw tokens.Error($"expected an identifier code right after the scalar value \"{Quote(token)}\"");
                    }

                    Apply(tokens, memory, byId, time, token[1..], char.ToLowerInvariant(token[0]).ToString(), vector: false);
                    break;
                case 'b' or 'B':
                    var bits = token[1..].ToLowerInvariant();
                    if (bits.Length == 0 || bits.AsSpan().IndexOfAnyExcept("01xz") >= 0)
                    {
                        throw tokens.Error($"expected a binary value of 0, 1, x and z after 'b', found \"{Quote(token)}\"");
                    }

                    Apply(tokens, memory, byId, time, tokens.Required("an identifier code after " + Quote(token)), bits, vector: true);
                    break;
                case 'r' or 'R':
                    if (!double.TryParse(token.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        throw tokens.Error($"expected a real number after 'r', found \"{Quote(token)}\"");
                    }

                    var id = tokens.Required("an identifier code after " + Quote(token));
                    var real = Lookup(tokens, byId, id);
                    if (!real.IsReal)
                    {
                        throw tokens.Error($"real value {Quote(token)} for \"{Quote(id)}\" ({real.Names[0]}), which is not a real variable");
                    }

                    memory.Reserve(real, real.GrowthIfAdded(time) + (2L * token.Length) + Memory.StringOverhead);
                    real.Add(time, token[1..]);
                    break;
                default:
                    throw tokens.Error($"expected a value change (0!, b1010 !, r1.5 !) or #time, found \"{Quote(token)}\"");
            }
        }

        if (inBlock)
        {
            throw tokens.Error("expected $end closing the $dumpvars/$dumpon/$dumpoff/$dumpall block before the end of the file");
        }

        return (first, first is null ? null : time);
    }

    private static void Apply(Tokenizer tokens, Memory memory, Dictionary<string, VcdSignal> byId, long time, string id, string bits, bool vector)
    {
        var signal = Lookup(tokens, byId, id);
        if (signal.IsReal)
        {
            throw tokens.Error($"{(vector ? "vector" : "scalar")} value for \"{Quote(id)}\" ({signal.Names[0]}), which is a real variable");
        }

        var value = Extend(bits, signal.Width) ??
                    throw tokens.Error($"value b{Quote(bits)} has {bits.Length:N0} bits, but \"{Quote(id)}\" ({signal.Names[0]}) is {signal.Width} bits wide");
        memory.Reserve(signal, signal.GrowthIfAdded(time));
        signal.Add(time, value);
    }

    private static VcdSignal Lookup(Tokenizer tokens, Dictionary<string, VcdSignal> byId, string id) =>
        byId.GetValueOrDefault(id) ?? throw tokens.Error($"identifier code \"{Quote(id)}\" was not declared by a $var");

    /// <summary>What the values read so far take, against <see cref="VcdLimits.MaxSignalBytes"/> and <see cref="VcdLimits.MaxTotalBytes"/>.</summary>
    private sealed class Memory(Tokenizer tokens, VcdLimits limits)
    {
        /// <summary>Estimates of the objects a declaration makes (a signal, a variable with its name and lookups), in bytes.</summary>
        public const long SignalOverhead = 160, VariableOverhead = 200, StringOverhead = 32;

        private readonly Dictionary<VcdSignal, long> _perSignal = new(ReferenceEqualityComparer.Instance);
        private long _total;

        public VcdLimits Limits => limits;

        /// <summary>Accounts for <paramref name="bytes"/> more (for <paramref name="signal"/>, or for the declarations) before they are allocated.</summary>
        public void Reserve(VcdSignal? signal, long bytes)
        {
            if (bytes <= 0)
            {
                return;
            }

            if (signal is not null)
            {
                var mine = _perSignal.GetValueOrDefault(signal) + bytes;
                if (mine > limits.MaxSignalBytes)
                {
                    throw tokens.Beyond($"the changes of {signal.Names[0]} ({signal.Width:N0} bits, {signal.ChangeCount:N0} changes so far) would take more than " +
                                        $"{Mib(limits.MaxSignalBytes)} of memory, the most attnlego keeps for one signal",
                        "dump a shorter window (cosim --waves dumps one around the first mismatch), or leave this signal out");
                }

                _perSignal[signal] = mine;
            }

            _total += bytes;
            if (_total > limits.MaxTotalBytes)
            {
                throw tokens.Beyond($"its signals and value changes would take more than {Mib(limits.MaxTotalBytes)} of memory, the most attnlego keeps for one wave file",
                    "dump a shorter window (cosim --waves dumps one around the first mismatch) or fewer signals");
            }
        }

        private static string Mib(long bytes) => $"{bytes / (1024.0 * 1024):N0} MiB";
    }

    /// <summary>
    /// Whitespace-separated tokens with their line numbers, read in blocks: a token is never longer than
    /// <see cref="VcdLimits.MaxTokenLength"/>, however the file is laid out.
    /// </summary>
    private sealed class Tokenizer(TextReader reader, string source, VcdLimits limits, CancellationToken ct)
    {
        private readonly char[] _buffer = new char[1 << 16];
        private readonly StringBuilder _spill = new();
        private int _length;
        private int _position;
        private int _line = 1;
        private int _tokenLine = 1;
        private bool _lastWasNewline;
        private bool _ended;

        /// <summary>The line of the token just read; at the end of the file, the last line.</summary>
        public int Line => _ended ? Math.Max(1, _lastWasNewline ? _line - 1 : _line) : _tokenLine;

        public string? Next()
        {
            // Skip whitespace, counting lines.
            while (true)
            {
                if (_position == _length && !Fill())
                {
                    _ended = true;
                    return null;
                }

                var c = _buffer[_position];
                if (!char.IsWhiteSpace(c))
                {
                    break;
                }

                if (c == '\n')
                {
                    _line++;
                }

                _position++;
            }

            _tokenLine = _line;
            _spill.Clear();
            var start = _position;
            while (true)
            {
                while (_position < _length && !char.IsWhiteSpace(_buffer[_position]))
                {
                    _position++;
                }

                var run = _position - start;
                if (_spill.Length + run > limits.MaxTokenLength)
                {
                    var head = _spill.Length > 0 ? _spill.ToString(0, Math.Min(_spill.Length, Excerpt.Length))
                        : new string(_buffer, start, Math.Min(run, Excerpt.Length));
                    throw Beyond($"a word of more than {limits.MaxTokenLength:N0} characters (\"{Excerpt.Of(head)}...\"), longer than any " +
                                 "value of the widest signal attnlego reads", "check that this is a VCD file (a wave dump, not a binary file)");
                }

                if (_position < _length)
                {
                    return _spill.Length == 0 ? new string(_buffer, start, run) : _spill.Append(_buffer, start, run).ToString();
                }

                _spill.Append(_buffer, start, run);
                if (!Fill())
                {
                    return _spill.ToString(); // the end of the file ends the token
                }

                start = 0;
            }
        }

        private bool Fill()
        {
            ct.ThrowIfCancellationRequested();
            if (_length > 0)
            {
                _lastWasNewline = _buffer[_length - 1] == '\n';
            }

            _length = reader.Read(_buffer, 0, _buffer.Length);
            _position = 0;
            return _length > 0;
        }

        public string Required(string what) => Next() ?? throw Error($"expected {what} before the end of the file");

        /// <summary><paramref name="name"/> (a scope or reference name), refused when longer than <see cref="VcdLimits.MaxNameLength"/>.</summary>
        public string Name(string name, string what) => name.Length <= limits.MaxNameLength ? name :
            throw Beyond($"a {what} of {name.Length:N0} characters (\"{Excerpt.Of(name)}\"); names are read up to {limits.MaxNameLength:N0}",
                "check that this is a VCD file (a wave dump)");

        public void ExpectEnd(string command)
        {
            var token = Required($"$end closing {command}");
            if (token != "$end")
            {
                throw Error($"expected $end closing {command}, found \"{Excerpt.Of(token)}\"");
            }
        }

        /// <summary>The tokens up to <c>$end</c>, joined with <paramref name="separator"/>; at most <see cref="VcdLimits.MaxNameLength"/> characters are kept.</summary>
        public string UntilEnd(string command, string separator)
        {
            var text = new StringBuilder();
            while (true)
            {
                var token = Required($"$end closing {command}");
                if (token == "$end")
                {
                    return text.ToString();
                }

                if (text.Length < limits.MaxNameLength)
                {
                    text.Append(text.Length == 0 ? "" : separator).Append(token.AsSpan(0, Math.Min(token.Length, limits.MaxNameLength - text.Length)));
                }
            }
        }

        public VcdFormatException Error(string problem) => new(source, Line, problem);

        /// <summary>Input beyond <see cref="VcdLimits"/>: a message that names the file, the line, what is too big, the limit and the fix.</summary>
        public WaveException Beyond(string problem, string fix) =>
            new($"{source}:{Line}: {problem}; it was not read further. Fix: {fix}.");
    }
}
