using System.Globalization;
using System.Text;

namespace AttentionLego.Cosim.Waves;

/// <summary>
/// Reads a VCD file (IEEE 1364-2005 §18) as a stream of whitespace-separated tokens, line by line, so files of
/// hundreds of MB never sit in one string. Handles Verilator's and Icarus's dialects: nested scopes (generate
/// scopes such as <c>g_lane[0]</c>), aliases, <c>$dumpvars/$dumpon/$dumpoff/$dumpall</c> blocks, scalar, vector
/// (left-extended) and real changes. Malformed input throws <see cref="VcdFormatException"/>.
/// </summary>
public static class VcdReader
{
    public static VcdFile Load(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        return Read(reader, path);
    }

    public static VcdFile Parse(string text, string source = "<text>") => Read(new StringReader(text), source);

    public static VcdFile Read(TextReader reader, string source)
    {
        var tokens = new Tokenizer(reader, source);
        string? date = null, version = null;
        VcdTimescale? timescale = null;
        var scopes = new List<string>();
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
                                throw tokens.Error($"expected a timescale such as 1ps, 1 ns or 10ns, found \"{text}\"");
                    break;
                case "$scope":
                    tokens.Required("a scope kind (module, begin, ...)");
                    scopes.Add(tokens.Required("a scope name"));
                    tokens.ExpectEnd("$scope <kind> <name>");
                    break;
                case "$upscope":
                    if (scopes.Count == 0)
                    {
                        throw tokens.Error("$upscope without an open $scope");
                    }

                    scopes.RemoveAt(scopes.Count - 1);
                    tokens.ExpectEnd("$upscope");
                    break;
                case "$var":
                    var variable = ReadVar(tokens, scopes, byId, signals);
                    variables.Add(variable);
                    break;
                case "$enddefinitions":
                    tokens.ExpectEnd("$enddefinitions");
                    var (first, last) = ReadChanges(tokens, byId);
                    return new VcdFile(source, date, version, timescale ?? new VcdTimescale(1, "s"), variables, signals, first, last);
                default:
                    throw tokens.Error($"expected a declaration ($scope, $var, $upscope, $timescale, $enddefinitions, ...), found \"{token}\"");
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

    private static VcdVariable ReadVar(Tokenizer tokens, List<string> scopes, Dictionary<string, VcdSignal> byId, List<VcdSignal> signals)
    {
        var type = tokens.Required("a variable type (wire, reg, ...)");
        var sizeText = tokens.Required("a variable size");
        if (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
        {
            throw tokens.Error($"expected a positive variable size, found \"{sizeText}\"");
        }

        var id = tokens.Required("an identifier code");
        if (id == "$end")
        {
            throw tokens.Error($"expected an identifier code, found \"{id}\"");
        }

        var reference = tokens.Required("a reference name");
        if (reference == "$end")
        {
            throw tokens.Error("expected a reference name after the identifier code, found $end");
        }

        string? range = null;
        var next = tokens.Required("$end");
        if (next != "$end")
        {
            if (!next.StartsWith('['))
            {
                throw tokens.Error($"expected a range such as [7:0] or $end after \"{reference}\", found \"{next}\"");
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
                throw tokens.Error($"identifier code \"{id}\" was declared with size {signal.Width}, now {size}: aliases must have the same size");
            }
        }
        else
        {
            signal = new VcdSignal(id, size, isReal);
            byId.Add(id, signal);
            signals.Add(signal);
        }

        var fullName = scopes.Count == 0 ? reference : string.Join('.', scopes) + "." + reference;
        signal.AddName(fullName);
        return new VcdVariable(fullName, type, size, range, signal);
    }

    private static (long? First, long? Last) ReadChanges(Tokenizer tokens, Dictionary<string, VcdSignal> byId)
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
                        throw tokens.Error($"expected a time such as #100, found \"{token}\"");
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
                            throw tokens.Error($"expected a value change, #time or $dumpvars/$dumpon/$dumpoff/$dumpall/$comment, found \"{token}\"");
                    }

                    break;
                case '0' or '1' or 'x' or 'X' or 'z' or 'Z':
                    if (token.Length < 2)
                    {
                        throw tokens.Error($"expected an identifier code right after the scalar value \"{token}\"");
                    }

                    Apply(tokens, byId, time, token[1..], char.ToLowerInvariant(token[0]).ToString(), vector: false);
                    break;
                case 'b' or 'B':
                    var bits = token[1..].ToLowerInvariant();
                    if (bits.Length == 0 || bits.AsSpan().IndexOfAnyExcept("01xz") >= 0)
                    {
                        throw tokens.Error($"expected a binary value of 0, 1, x and z after 'b', found \"{token}\"");
                    }

                    Apply(tokens, byId, time, tokens.Required("an identifier code after " + token), bits, vector: true);
                    break;
                case 'r' or 'R':
                    if (!double.TryParse(token.AsSpan(1), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                    {
                        throw tokens.Error($"expected a real number after 'r', found \"{token}\"");
                    }

                    var id = tokens.Required("an identifier code after " + token);
                    var real = Lookup(tokens, byId, id);
                    if (!real.IsReal)
                    {
                        throw tokens.Error($"real value {token} for \"{id}\" ({real.Names[0]}), which is not a real variable");
                    }

                    real.Add(time, token[1..]);
                    break;
                default:
                    throw tokens.Error($"expected a value change (0!, b1010 !, r1.5 !) or #time, found \"{token}\"");
            }
        }

        if (inBlock)
        {
            throw tokens.Error("expected $end closing the $dumpvars/$dumpon/$dumpoff/$dumpall block before the end of the file");
        }

        return (first, first is null ? null : time);
    }

    private static void Apply(Tokenizer tokens, Dictionary<string, VcdSignal> byId, long time, string id, string bits, bool vector)
    {
        var signal = Lookup(tokens, byId, id);
        if (signal.IsReal)
        {
            throw tokens.Error($"{(vector ? "vector" : "scalar")} value for \"{id}\" ({signal.Names[0]}), which is a real variable");
        }

        var value = Extend(bits, signal.Width) ??
                    throw tokens.Error($"value b{bits} has {bits.Length} bits, but \"{id}\" ({signal.Names[0]}) is {signal.Width} bits wide");
        signal.Add(time, value);
    }

    private static VcdSignal Lookup(Tokenizer tokens, Dictionary<string, VcdSignal> byId, string id) =>
        byId.GetValueOrDefault(id) ?? throw tokens.Error($"identifier code \"{id}\" was not declared by a $var");

    /// <summary>Whitespace-separated tokens with their line numbers, read one line at a time.</summary>
    private sealed class Tokenizer(TextReader reader, string source)
    {
        private string? _line = "";
        private int _position;

        public int Line { get; private set; }

        public string? Next()
        {
            while (_line is not null)
            {
                while (_position < _line.Length && char.IsWhiteSpace(_line[_position]))
                {
                    _position++;
                }

                if (_position < _line.Length)
                {
                    var start = _position;
                    while (_position < _line.Length && !char.IsWhiteSpace(_line[_position]))
                    {
                        _position++;
                    }

                    return _line[start.._position];
                }

                _line = reader.ReadLine();
                _position = 0;
                if (_line is not null)
                {
                    Line++; // at the end of the file, errors name the last line
                }
            }

            return null;
        }

        public string Required(string what) => Next() ?? throw Error($"expected {what} before the end of the file");

        public void ExpectEnd(string command)
        {
            var token = Required($"$end closing {command}");
            if (token != "$end")
            {
                throw Error($"expected $end closing {command}, found \"{token}\"");
            }
        }

        /// <summary>The tokens up to <c>$end</c>, joined with <paramref name="separator"/>.</summary>
        public string UntilEnd(string command, string separator)
        {
            var parts = new List<string>();
            while (true)
            {
                var token = Required($"$end closing {command}");
                if (token == "$end")
                {
                    return string.Join(separator, parts);
                }

                parts.Add(token);
            }
        }

        public VcdFormatException Error(string problem) => new(source, Math.Max(Line, 1), problem);
    }
}
