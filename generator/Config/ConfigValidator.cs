namespace AttentionLego.Gen.Config;

/// <summary>
/// Semantic rules of a configuration. <see cref="Validate"/> returns every violated rule at once, each with
/// its key path and a fix; an empty list means the configuration can be rendered and simulated.
/// </summary>
public static class ConfigValidator
{
    public const int MaxMacroDim = 1024;
    public const int MaxWidth = 16;
    public const int MaxBusBits = 4096;

    /// <summary>What the bus's 32-bit byte addresses reach (al_dma's mem_req_addr_o, the CSR base registers).</summary>
    public const long MaxMemoryBytes = 1L << 32;

    public static IReadOnlyList<ConfigError> Validate(AttentionConfig c)
    {
        var errors = new List<ConfigError>();
        void Rule(bool ok, string path, string problem, string fix)
        {
            if (!ok)
            {
                errors.Add(new ConfigError(path, problem, fix));
            }
        }

        var m = c.Model;
        var f = c.Format;
        var p = c.Pim;

        Range(errors, "Format.DataWidth", f.DataWidth, 2, MaxWidth);
        Range(errors, "Format.WeightWidth", f.WeightWidth, 2, MaxWidth);
        Range(errors, "Model.Heads", m.Heads, 1, 64);
        Range(errors, "Model.DModel", m.DModel, 1, 1 << 16);
        // At most 1024: generate loops over d_head elements stay within what Verilator elaborates.
        Range(errors, "Model.DHead", m.DHead, 1, 1 << 10);
        Range(errors, "Model.MaxSeqLen", m.MaxSeqLen, 1, 1 << 16);

        var geometryOk = true;
        foreach (var (path, value, least, limit) in new[]
                 {
                     ("Pim.Rows", p.Rows, 2, MaxMacroDim), ("Pim.Cols", p.Cols, 2, MaxMacroDim),
                     ("Pim.InputLanes", p.InputLanes, 1, Math.Min(p.Rows, MaxMacroDim)),
                     ("Pim.AdcCount", p.AdcCount, 1, Math.Min(p.Cols, MaxMacroDim)),
                 })
        {
            var ok = PimMath.IsPowerOfTwo(value) && value >= least && value <= Math.Max(least, limit);
            geometryOk &= ok;
            if (!ok)
            {
                var bound = path switch
                {
                    "Pim.InputLanes" => $"at most Pim.Rows ({p.Rows})",
                    "Pim.AdcCount" => $"at most Pim.Cols ({p.Cols})",
                    _ => $"from 2 to {MaxMacroDim}",
                };
                errors.Add(new ConfigError(path, $"is {value}; it must be a power of two, {bound}.",
                    $"set {path} to a power of two such as {PowerOfTwoNear(value, least, Math.Max(least, limit))}."));
            }
        }

        // Every bus of the macro fits one simulator argument ($fscanf/$fwrite take at most 8192 bits).
        Rule(!geometryOk || (long)p.InputLanes * Math.Max(p.SliceBits, 1) <= MaxBusBits, "Pim.InputLanes",
            $"times Pim.SliceBits is {(long)p.InputLanes * p.SliceBits} bits of macro input; at most {MaxBusBits} are supported.",
            "use fewer input lanes or narrower slices.");
        Rule(!geometryOk || (long)p.AdcCount * Math.Max(p.AdcBits, 1) <= MaxBusBits, "Pim.AdcCount",
            $"times Pim.AdcBits is {(long)p.AdcCount * p.AdcBits} bits of ADC output; at most {MaxBusBits} are supported.",
            "use fewer ADCs or narrower ones.");

        if (geometryOk)
        {
            Multiple(errors, "Model.DModel", m.DModel, "Pim.Rows", p.Rows, "the Q/K/V matrices stack macros along d_model");
            Multiple(errors, "Model.DHead", m.DHead, "Pim.Cols", p.Cols, "the Q/K/V matrices place d_head outputs across macro columns");
            Multiple(errors, "Model.DHead", m.DHead, "Pim.Rows", p.Rows, "the score array (K cache) stacks macros along d_head");
            Multiple(errors, "Model.MaxSeqLen", m.MaxSeqLen, "Pim.Cols", p.Cols, "the K cache holds one token per macro column");
            Multiple(errors, "Model.MaxSeqLen", m.MaxSeqLen, "Pim.Rows", p.Rows, "the V cache holds one token per macro row");
            if (m.OutputProjection && m.Heads >= 1)
            {
                Multiple(errors, "Model.DModel", m.DModel, "Pim.Cols", p.Cols, "W_O places d_model outputs across macro columns");
            }
        }

        var sliceOk = p.SliceBits >= 1 && p.SliceBits <= f.DataWidth;
        Rule(sliceOk, "Pim.SliceBits", $"is {p.SliceBits}; it must be between 1 and Format.DataWidth ({f.DataWidth}).",
            "use a slice width that divides Format.DataWidth, e.g. 1, 2 or 4 for 8-bit data.");
        if (sliceOk && f.DataWidth % p.SliceBits != 0)
        {
            var divisors = f.DataWidth <= MaxWidth ? $": {string.Join(", ", Divisors(f.DataWidth))}" : "";
            errors.Add(new ConfigError("Pim.SliceBits",
                $"is {p.SliceBits}, which does not divide Format.DataWidth ({f.DataWidth}); inputs must split into whole slices.",
                $"use a divisor of {f.DataWidth}{divisors}."));
        }

        // Checked only when the slice fits the data and the probability width is itself legal: one cause, one error.
        Rule(!sliceOk || f.DataWidth % p.SliceBits != 0 || c.Softmax.ProbBits is < 2 or > MaxWidth
             || c.Softmax.ProbBits % p.SliceBits == 0, "Pim.SliceBits",
            $"is {p.SliceBits}, which does not divide Softmax.ProbBits ({c.Softmax.ProbBits}); probabilities feed the V cache in whole slices.",
            "use a slice width that divides both Format.DataWidth and Softmax.ProbBits.");
        Range(errors, "Pim.AdcBits", p.AdcBits, 2, 32);
        if (geometryOk && sliceOk && f.DataWidth is >= 2 and <= MaxWidth && f.WeightWidth is >= 2 and <= MaxWidth)
        {
            var sumBits = PimMath.ColumnSumBits(p.InputLanes, p.SliceBits, f.WeightWidth);
            Rule(p.AdcShift >= 0 && p.AdcShift < sumBits, "Pim.AdcShift",
                $"is {p.AdcShift}; it must be between 0 and {sumBits - 1} (the column sum has {sumBits} bits).",
                "use 0 for an ideal ADC, or a shift that keeps the significant bits.");
        }
        else
        {
            Rule(p.AdcShift >= 0, "Pim.AdcShift", $"is {p.AdcShift}; it must not be negative.", "use 0 for an ideal ADC.");
        }

        var b = c.Bus.DataWidth;
        Rule(PimMath.IsPowerOfTwo(b) && b is >= 8 and <= 1024, "Bus.DataWidth",
            $"is {b}; it must be a power of two from 8 to 1024.", "use 32, 64 or 128.");
        Rule(f.DataWidth <= 0 || b % f.DataWidth == 0, "Bus.DataWidth",
            $"is {b}, not a multiple of Format.DataWidth ({f.DataWidth}); a bus beat must carry whole activations.",
            "use a bus width that is a multiple of the data width.");
        Rule(f.WeightWidth <= 0 || b % f.WeightWidth == 0, "Bus.DataWidth",
            $"is {b}, not a multiple of Format.WeightWidth ({f.WeightWidth}); a bus beat must carry whole weights.",
            "use a bus width that is a multiple of the weight width.");
        var busOk = PimMath.IsPowerOfTwo(b) && f.DataWidth > 0 && b % f.DataWidth == 0;
        Rule(!busOk || m.DHead <= 0 || (long)m.DHead * f.DataWidth % b == 0, "Bus.DataWidth",
            $"is {b}; an output vector (Model.DHead x Format.DataWidth = {(long)m.DHead * f.DataWidth} bits) must be whole bus words.",
            "use a bus width that divides Model.DHead x Format.DataWidth.");
        Rule(!busOk || m.DModel <= 0 || (long)m.DModel * f.DataWidth % b == 0, "Bus.DataWidth",
            $"is {b}; a token (Model.DModel x Format.DataWidth = {(long)m.DModel * f.DataWidth} bits) must be whole bus words.",
            "use a bus width that divides Model.DModel x Format.DataWidth.");
        Rule(!busOk || m.DModel <= 0 || m.DHead <= 0 || (long)m.DModel * m.DHead * f.WeightWidth % b == 0, "Bus.DataWidth",
            $"is {b}; a weight matrix (Model.DModel x Model.DHead x Format.WeightWidth bits) must be whole bus words.",
            "use a bus width that divides the weight matrix's bits.");
        Rule(PimMath.IsPowerOfTwo(c.Bus.MaxOutstanding) && c.Bus.MaxOutstanding is >= 2 and <= 64, "Bus.MaxOutstanding",
            $"is {c.Bus.MaxOutstanding}; it must be a power of two from 2 to 64.",
            "use at least the memory latency plus one (8 hides 7 cycles of latency at full bus use).");

        Range(errors, "Quant.QShift", c.Quant.QShift, 0, 48);
        Range(errors, "Quant.KShift", c.Quant.KShift, 0, 48);
        Range(errors, "Quant.VShift", c.Quant.VShift, 0, 48);
        Range(errors, "Quant.ContextShift", c.Quant.ContextShift, 0, 48);
        Range(errors, "Quant.OutputShift", c.Quant.OutputShift, 0, 48);

        var s = c.Softmax;
        Range(errors, "Softmax.ScoreShift", s.ScoreShift, 0, 48);
        Range(errors, "Softmax.LutAddrBits", s.LutAddrBits, 2, 12);
        Range(errors, "Softmax.ExpBits", s.ExpBits, 2, 24);
        Range(errors, "Softmax.ProbBits", s.ProbBits, 2, 16);
        Range(errors, "Softmax.LutFracBits", s.LutFracBits, 0, 16);
        Rule(s.LutFracBits < 0 || s.ScoreShift < 0 || s.LutFracBits <= s.ScoreShift, "Softmax.LutFracBits",
            $"is {s.LutFracBits}, finer than the scores themselves (Softmax.ScoreShift is {s.ScoreShift}); a LUT index is a score difference shifted right.",
            "use Softmax.LutFracBits at most Softmax.ScoreShift.");
        var lanesOk = PimMath.IsPowerOfTwo(s.Lanes) && s.Lanes <= 64;
        Rule(lanesOk, "Softmax.Lanes", $"is {s.Lanes}; it must be a power of two from 1 to 64.", "use 4, 16 or 32.");
        Rule(!lanesOk || m.MaxSeqLen < 1 || m.MaxSeqLen % s.Lanes == 0, "Softmax.Lanes",
            $"is {s.Lanes}, which does not divide Model.MaxSeqLen ({m.MaxSeqLen}); every pass handles whole groups of lanes.",
            "use a power of two that divides Model.MaxSeqLen.");

        // The memory image is checked once every size it depends on is valid; then the fault coordinates, against the
        // matrices' shapes, which exist only for a valid geometry.
        if (errors.Count == 0)
        {
            var image = MemoryImageBytes(c);
            Rule(image <= MaxMemoryBytes, "Model",
                $"needs a memory image of {image:N0} bytes (the weights of {m.Heads} head(s){(m.OutputProjection ? " and W_O" : "")}, the tokens and the outputs), " +
                $"more than the {MaxMemoryBytes:N0} that the bus's 32-bit byte addresses reach.",
                "use fewer heads, a smaller Model.DModel, Model.DHead or Model.MaxSeqLen, or narrower weights.");
            var words = image / c.Bus.Bytes;
            Rule(image > MaxMemoryBytes || words <= int.MaxValue, "Bus.DataWidth",
                $"is {c.Bus.DataWidth}, so the memory image of {image:N0} bytes is {words:N0} bus words, more than the " +
                $"{int.MaxValue:N0} the co-simulation bench's memory holds (its depth is a 32-bit Verilog integer).",
                "use a wider bus (Bus.DataWidth 32 or more), or a smaller model.");
        }

        if (errors.Count == 0)
        {
            ValidateFaults(c, errors);
        }

        return errors;
    }

    /// <summary>Bytes from address 0 to the end of al_array's memory image, the larger of the two (<see cref="MemoryRegions.Array"/>).</summary>
    public static long MemoryImageBytes(AttentionConfig c) => MemoryRegions.Array(c).End;

    /// <summary>Every fault names a cell or column that exists; no bit is stuck at 0 and at 1 at once.</summary>
    private static void ValidateFaults(AttentionConfig c, List<ConfigError> errors)
    {
        var layout = new MacroLayout(c);
        bool Where(string path, int head, PimMatrix matrix)
        {
            if (matrix == PimMatrix.O && !c.Model.OutputProjection)
            {
                errors.Add(new ConfigError(path + ".Matrix", "is O, but Model.OutputProjection is false: there is no W_O.",
                    "set Model.OutputProjection to true, or name one of Q, K, V, KCache, VCache."));
                return false;
            }

            var heads = matrix == PimMatrix.O ? 1 : c.Model.Heads;
            if (head < 0 || head >= heads)
            {
                errors.Add(new ConfigError(path + ".Head", $"is {head}; it must be from 0 to {heads - 1}" +
                    (matrix == PimMatrix.O ? " (W_O is shared by every head: write 0)." : $" (Model.Heads is {c.Model.Heads})."),
                    "name an existing head."));
                return false;
            }

            return true;
        }

        void Index(string path, int value, int count, string what)
        {
            if (value < 0 || value >= count)
            {
                errors.Add(new ConfigError(path, $"is {value}; {what} (numbered from 0).", $"set {path} to a value in [0, {count - 1}]."));
            }
        }

        var stuck = new Dictionary<(int, PimMatrix, int, int, int), int>();
        for (var i = 0; i < c.Faults.StuckAt.Count; i++)
        {
            var f = c.Faults.StuckAt[i];
            var path = $"Faults.StuckAt[{i}]";
            if (!Where(path, f.Head, f.Matrix))
            {
                continue;
            }

            var shape = layout.Shape(f.Matrix);
            var width = shape.Config.Format.WeightWidth;
            Index(path + ".Row", f.Row, shape.InDim, $"the {f.Matrix} matrix ({shape.InDim}x{shape.OutDim}) has {shape.InDim} rows");
            Index(path + ".Col", f.Col, shape.OutDim, $"the {f.Matrix} matrix ({shape.InDim}x{shape.OutDim}) has {shape.OutDim} columns");
            Index(path + ".Bit", f.Bit, width, $"a cell of {f.Matrix} holds {width} bits");
            if (f.Value is not (0 or 1))
            {
                errors.Add(new ConfigError(path + ".Value", $"is {f.Value}; a bit is stuck at 0 or at 1.", $"set {path}.Value to 0 or 1."));
            }
            else if (stuck.TryGetValue((f.Head, f.Matrix, f.Row, f.Col, f.Bit), out var other) && c.Faults.StuckAt[other].Value != f.Value)
            {
                errors.Add(new ConfigError(path, $"sticks the bit that Faults.StuckAt[{other}] sticks at {c.Faults.StuckAt[other].Value} at {f.Value}.",
                    "keep one of the two entries."));
            }
            else
            {
                stuck.TryAdd((f.Head, f.Matrix, f.Row, f.Col, f.Bit), i);
            }
        }

        for (var i = 0; i < c.Faults.DeadColumns.Count; i++)
        {
            var f = c.Faults.DeadColumns[i];
            var path = $"Faults.DeadColumns[{i}]";
            if (!Where(path, f.Head, f.Matrix))
            {
                continue;
            }

            var shape = layout.Shape(f.Matrix);
            Index(path + ".MacroRow", f.MacroRow, shape.MacrosIn, $"the {f.Matrix} matrix is {shape.MacrosIn} macro(s) tall");
            Index(path + ".Col", f.Col, shape.OutDim, $"the {f.Matrix} matrix ({shape.InDim}x{shape.OutDim}) has {shape.OutDim} columns");
        }
    }

    public static void ThrowIfInvalid(AttentionConfig config)
    {
        var errors = Validate(config);
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
    }

    private static void Range(List<ConfigError> errors, string path, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add(new ConfigError(path, $"is {value}; it must be between {min} and {max}.",
                $"set {path} to a value in [{min}, {max}]."));
        }
    }

    private static void Multiple(List<ConfigError> errors, string path, int value, string ofPath, int of, string why)
    {
        if (value >= 1 && value % of != 0)
        {
            var lower = value / of * of;
            var upper = lower + of;
            var suggestion = lower > 0 ? $"{lower} or {upper}" : $"{upper}";
            errors.Add(new ConfigError(path, $"is {value}, not a multiple of {ofPath} ({of}): {why}.",
                $"set {path} to a multiple of {of} (e.g. {suggestion}) or choose a {ofPath} that divides {value}."));
        }
    }

    /// <summary>The power of two in [least, limit] nearest below <paramref name="value"/> (or least).</summary>
    private static long PowerOfTwoNear(long value, long least, long limit)
    {
        var p = least;
        while (p * 2 <= Math.Min(Math.Max(value, least), limit))
        {
            p *= 2;
        }

        return p;
    }

    private static IEnumerable<int> Divisors(int n) => Enumerable.Range(1, Math.Max(n, 1)).Where(d => n % d == 0);
}
