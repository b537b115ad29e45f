using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cosim;

/// <summary>Lints a rendered bundle: every module as top, with the whole filelist, under <c>verilator -Wall</c>.</summary>
public static class Linter
{
    public static async Task<IReadOnlyList<LintResult>> LintAsync(VerilatorDriver verilator, RtlBundle bundle, CancellationToken ct = default)
    {
        var dir = Directory.CreateTempSubdirectory("attnlego-lint-").FullName;
        try
        {
            foreach (var file in bundle.Modules)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, file.Name), file.Content, ct);
            }

            var names = bundle.Modules.Select(m => m.Name).ToList();
            var results = new List<LintResult>();
            foreach (var module in names)
            {
                results.Add(await verilator.LintAsync(dir, names, Path.GetFileNameWithoutExtension(module), ct));
            }

            return results;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
