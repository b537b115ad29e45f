using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Packaging;

/// <summary>filelist.f is a usable command file: Verilator lints the design from it, in the generated folder or from elsewhere.</summary>
public sealed class FilelistTests
{
    [TestCase("tiny")]
    [TestCase("tiny-mha4")]
    public async Task Verilator_lints_the_design_straight_from_the_filelist(string preset)
    {
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        var bundle = Packaged.Bundle(preset);
        using var temp = new TempFolder();
        Packaged.WriteTo(bundle, temp.Path);
        var top = RtlBundle.TopModule(bundle.Config);
        var result = await verilator.LintAsync(temp.Path, ["-f", RtlBundle.FilelistName], top);
        Assert.That(result.Clean, Is.True, string.Join("\n", result.Diagnostics));
        // -F reads the paths relative to the filelist's folder, so the design lints from any working directory.
        var elsewhere = await verilator.LintAsync(Path.GetTempPath(), ["-F", temp.Combine(RtlBundle.FilelistName)], top);
        Assert.That(elsewhere.Clean, Is.True, string.Join("\n", elsewhere.Diagnostics));
    }

    [Test]
    public async Task A_filelist_naming_a_missing_module_fails_the_lint()
    {
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        var bundle = Packaged.Bundle("tiny");
        using var temp = new TempFolder();
        Packaged.WriteTo(bundle, temp.Path);
        File.Delete(temp.Combine("al_score.v"));
        var result = await verilator.LintAsync(temp.Path, ["-f", RtlBundle.FilelistName], "al_top");
        Assert.That(result.Clean, Is.False);
        Assert.That(result.Diagnostics, Has.Some.Contains("al_score"));
    }

    [TestCaseSource(typeof(Packaged), nameof(Packaged.Presets))]
    public void The_filelist_names_every_module_once_relative_to_its_folder_in_compile_order(string preset)
    {
        var bundle = Packaged.Bundle(preset);
        var lines = Packaged.Text(bundle, RtlBundle.FilelistName).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(bundle.Modules.Select(m => m.Name)));
        Assert.That(lines, Has.All.Matches<string>(l => l is not null && !Path.IsPathRooted(l) && !l.Contains('/') && l.EndsWith(".v", StringComparison.Ordinal)));
        Assert.That(lines[^1], Is.EqualTo(RtlBundle.TopModule(bundle.Config) + ".v"), "the top module comes last");
    }

    [Test]
    public void The_manifest_lists_the_header_and_the_core_with_their_hashes()
    {
        var bundle = Packaged.Bundle("tiny-mha4");
        var manifest = Packaged.Text(bundle, RtlBundle.ManifestName);
        foreach (var name in new[] { SoftwareHeader.FileName, "al_array.core" })
        {
            Assert.That(manifest, Does.Contain($"\"name\": \"{name}\"").And.Contain(GeneratorInfo.Sha256(Packaged.Text(bundle, name))), name);
        }
    }
}
