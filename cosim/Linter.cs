using AttentionLego.Cosim.Tools;

namespace AttentionLego.Cosim;

/// <summary>
/// Lints a rendered bundle: every module as top, with the whole filelist, under <c>verilator -Wall</c>. A module whose
/// hierarchy holds more than <see cref="MaxElaboratedMacros"/> PIM macros (paper-mha's al_array: 5,120) does not fit
/// in memory when Verilator elaborates every macro, so it is linted with <c>al_pim_matrix</c> as a black box: its
/// ports and parameters, no body. The matrix itself is linted in full as its own top and inside every smaller module.
/// Every matrix shape must be elaborated in full at least once (by the module that owns it, as its own top): a shape
/// of more than <see cref="MaxElaboratedMacros"/> macros cannot be, so its owner is reported as not linted, never clean
/// (<see cref="Unelaborable"/>; <c>attnlego lint</c> refuses such a configuration before it starts).
/// </summary>
public static partial class Linter
{
    /// <summary>Macros Verilator 5.006 elaborates for lint within this machine's memory (1,024 take a few GB).</summary>
    public const int MaxElaboratedMacros = 2048;

    /// <summary>Lints <paramref name="bundle"/> with results cached in <see cref="LintCache.Default"/>.</summary>
    public static Task<IReadOnlyList<LintResult>> LintAsync(VerilatorDriver verilator, RtlBundle bundle, CancellationToken ct = default) =>
        LintAsync(verilator, bundle, MaxElaboratedMacros, LintCache.Default(), ct);

    /// <param name="maxMacros">The largest hierarchy elaborated in full (<see cref="MaxElaboratedMacros"/>; tests lower it).</param>
    public static Task<IReadOnlyList<LintResult>> LintAsync(VerilatorDriver verilator, RtlBundle bundle, int maxMacros, CancellationToken ct = default) =>
        LintAsync(verilator, bundle, maxMacros, LintCache.Default(), ct);

    /// <param name="maxMacros">The largest hierarchy elaborated in full (<see cref="MaxElaboratedMacros"/>; tests lower it).</param>
    /// <param name="cache">Where each module's lint is looked up and kept, keyed by what Verilator reads; null lints every module.</param>
    public static async Task<IReadOnlyList<LintResult>> LintAsync(VerilatorDriver verilator, RtlBundle bundle, int maxMacros, LintCache? cache,
        CancellationToken ct = default)
    {
        var dir = Directory.CreateTempSubdirectory("attnlego-lint-").FullName;
        using var scratch = Gen.IO.Scratch.Register(dir);
        try
        {
            var boxed = Path.Combine(dir, "black-box");
            var boxedModules = bundle.Modules.Select(f => f.Name == "al_pim_matrix.v" ? f with { Content = BlackBox(f.Content) } : f).ToList();
            Directory.CreateDirectory(boxed);
            foreach (var (folder, files) in new[] { (dir, bundle.Modules), (boxed, boxedModules) })
            {
                foreach (var file in files)
                {
                    await File.WriteAllTextAsync(Path.Combine(folder, file.Name), file.Content, ct);
                }
            }

            var names = bundle.Modules.Select(m => m.Name).ToList();
            Task<LintResult> Lint(string folder, IReadOnlyList<RenderedFile> files, string top) => cache is null
                ? verilator.LintAsync(folder, names, top, ct)
                : cache.GetOrLintAsync(LintCache.Key(verilator, top, files), top, () => verilator.LintAsync(folder, names, top, ct), ct);

            var unelaborable = Matrices(bundle.Config).Where(m => m.Macros > maxMacros).ToList();
            var results = new List<LintResult>();
            foreach (var module in names)
            {
                var top = Path.GetFileNameWithoutExtension(module);
                var macros = ElaboratedMacros(bundle.Config, top);
                if (macros <= maxMacros)
                {
                    results.Add(await Lint(dir, bundle.Modules, top));
                    continue;
                }

                var note = $"al_pim_matrix as a black box: {macros:N0} macros are more than {maxMacros:N0} to elaborate at once";
                if (unelaborable.FirstOrDefault(m => m.Owner == top) is { } lost)
                {
                    // The shape this module owns is elaborated nowhere in full: linting its black box would check nothing of it.
                    var itself = top == "al_pim_matrix";
                    var result = itself ? new LintResult(top, false, []) : await Lint(boxed, boxedModules, top);
                    results.Add(result with
                    {
                        Clean = false,
                        Diagnostics = [.. result.Diagnostics, "not linted: " + Describe(lost, maxMacros)],
                        Note = itself ? "not run: its own black box holds nothing to lint" : note,
                    });
                    continue;
                }

                results.Add(await Lint(boxed, boxedModules, top) with { Note = note });
            }

            return results;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A matrix shape of the design and the module that elaborates it in full as its own top.</summary>
    public sealed record LintedMatrix(string Owner, string Name, MatrixShape Shape)
    {
        public long Macros => Shape.MacroCount;
    }

    /// <summary>Every matrix shape of <paramref name="c"/>: the projections, the K and V caches, and W_O when there is one.</summary>
    public static IReadOnlyList<LintedMatrix> Matrices(AttentionConfig c) =>
    [
        new("al_pim_matrix", "Q/K/V projection", c.ProjectionShape),
        new("al_score", "K cache (score)", c.ScoreShape),
        new("al_context", "V cache (context)", c.ContextShape),
        .. c.Model.OutputProjection ? [new LintedMatrix("al_oproj", "W_O projection", c.OutputProjectionShape)] : Array.Empty<LintedMatrix>(),
    ];

    /// <summary>
    /// Why <c>lint</c> cannot check <paramref name="c"/>: a matrix of more macros than Verilator elaborates for lint on this
    /// machine (black-boxing it would lint nothing of it), with the figure and the fix; null when every shape fits.
    /// </summary>
    public static string? Unelaborable(AttentionConfig c, int maxMacros = MaxElaboratedMacros) =>
        Matrices(c).Where(m => m.Macros > maxMacros).Select(m => Describe(m, maxMacros) +
            $" Fix: lint a configuration whose matrices hold at most {maxMacros:N0} macros each (larger Pim.Rows and Pim.Cols, or a smaller " +
            "Model.DModel, Model.DHead or Model.MaxSeqLen); the generator renders every size from the same templates.").FirstOrDefault();

    private static string Describe(LintedMatrix m, int maxMacros) =>
        $"{m.Owner} cannot be elaborated in full: the {m.Name} matrix ({m.Shape.InDim} x {m.Shape.OutDim} weights on " +
        $"{m.Shape.Pim.Rows}x{m.Shape.Pim.Cols} macros) holds {m.Macros:N0} PIM macros, more than the {maxMacros:N0} that " +
        "Verilator elaborates for lint within this machine's memory (Linter.MaxElaboratedMacros), and a black box of it would lint nothing.";

    /// <summary>PIM macros in <paramref name="module"/>'s hierarchy when it is the top.</summary>
    public static long ElaboratedMacros(AttentionConfig c, string module) => ModuleCatalog.Find(module)?.MacroCount(c) ?? 0;

    /// <summary>
    /// The most PIM macros Verilator elaborates at once when <see cref="LintAsync(VerilatorDriver, RtlBundle, int, LintCache?, CancellationToken)"/>
    /// lints every module <paramref name="c"/> needs as its own top, which decides the lint's memory: a module of more than
    /// <paramref name="maxMacros"/> is linted with al_pim_matrix as a black box, and al_pim_matrix itself is always
    /// elaborated in full.
    /// </summary>
    public static long PeakElaboratedMacros(AttentionConfig c, int maxMacros = MaxElaboratedMacros) =>
        ModuleCatalog.All.Where(m => m.IsNeeded(c)).Select(m => m.MacroCount(c)).Where(n => n <= maxMacros)
            .Append(ElaboratedMacros(c, "al_pim_matrix")).Max();

    /// <summary>
    /// A module's header (parameters and ports) with a body that does nothing but touch every parameter and input (in
    /// <c>unused_*</c> signals, Verilator's convention) and tie every output to 0: it lints clean under <c>-Wall</c> with no waiver.
    /// </summary>
    public static string BlackBox(string module)
    {
        var start = module.IndexOf("\nmodule ", StringComparison.Ordinal) + 1;
        var end = module.IndexOf("\n);", start, StringComparison.Ordinal);
        if (start <= 0 || end < 0)
        {
            throw new InvalidOperationException("the module header (from `module` to `);`) was not found");
        }

        var header = module[start..(end + 3)];
        var parameters = ParameterPattern().Matches(header).Select(m => m.Groups[1].Value).ToList();
        var ports = PortPattern().Matches(header).Select(m => (Dir: m.Groups[1].Value, Width: m.Groups[2].Value, Name: m.Groups[3].Value)).ToList();
        var body = new System.Text.StringBuilder();
        if (parameters.Count > 0)
        {
            body.Append("  wire [31:0] unused_parameters = ").Append(string.Join(" + ", parameters)).Append(";\n");
        }

        var inputs = ports.Where(p => p.Dir == "input").Select(p => p.Name).ToList();
        if (inputs.Count > 0)
        {
            body.Append("  wire unused_inputs = ^{").Append(string.Join(", ", inputs)).Append("};\n");
        }

        // Zeros in slices of at most WideVectors.ChunkBits: Verilator warns of a replication wider than 8192 (W_O's y_data_o has 102,400).
        var wide = false;
        foreach (var (_, width, name) in ports.Where(p => p.Dir == "output"))
        {
            if (width.Length == 0)
            {
                body.Append("  assign ").Append(name).Append(" = 1'b0;\n");
                continue;
            }

            wide = true;
            body.Append($"  for (zero_bit = 0; zero_bit < ({width}); zero_bit = zero_bit + {WideVectors.ChunkBits}) begin : g_zero_{name}\n")
                .Append($"    localparam integer Bits = (({width}) - zero_bit) < {WideVectors.ChunkBits} ? (({width}) - zero_bit) : {WideVectors.ChunkBits};\n")
                .Append($"    assign {name}[zero_bit +: Bits] = {{ Bits{{1'b0}} }};\n  end\n");
        }

        if (wide)
        {
            body.Insert(0, "  genvar zero_bit;\n");
        }

        return "// lint-only black box: the ports and parameters of the module, and a body that only ties its outputs to 0\n" +
               header + "\n" + body + "endmodule\n";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*parameter\s+(\w+)\s*=", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex ParameterPattern();

    /// <summary>A port declaration: direction, the width expression W of [W-1:0] (empty for one bit), name.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"^\s*(input|output)\s+wire\s+(?:\[(.+)-1:0\]\s+)?(\w+)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex PortPattern();
}
