using AttentionLego.Gen.Rendering;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace AttentionLego.Tests.Packaging;

/// <summary>The generated FuseSoC core: CAPI2, valid YAML, the filelist's modules in order, the header, a lint target.</summary>
public sealed class FuseSocCoreTests
{
    private static IEnumerable<string> Presets => Packaged.Presets;

    [TestCaseSource(nameof(Presets))]
    public void The_core_is_valid_CAPI2_with_the_filelist_modules_in_order(string preset)
    {
        var bundle = Packaged.Bundle(preset);
        var core = bundle.AllFiles.Single(f => f.Name.EndsWith(".core", StringComparison.Ordinal));
        Assert.That(core.Name, Is.EqualTo(RtlBundle.TopModule(bundle.Config) + ".core"));
        Assert.That(Problems(core.Content, Packaged.Text(bundle, RtlBundle.FilelistName), bundle.ConfigHash), Is.Empty);
    }

    [Test]
    public void An_array_core_has_al_array_as_toplevel()
    {
        var bundle = Packaged.Bundle("tiny-mha4");
        var core = Parse(Packaged.Text(bundle, "al_array.core"));
        Assert.That(At(core, "targets", "default", "toplevel"), Is.EqualTo("al_array"));
        Assert.That(At(core, "name"), Is.EqualTo($"attentionlego:gen:al_array_{bundle.ConfigHash}:{GeneratorInfo.Version}"));
    }

    [Test]
    public void A_core_missing_a_module_is_detected()
    {
        var bundle = Packaged.Bundle("tiny");
        var core = Packaged.Text(bundle, "al_top.core");
        var broken = core.Replace("      - al_score.v\n", "", StringComparison.Ordinal);
        Assert.That(broken, Is.Not.EqualTo(core), "the test removes a line that exists");
        Assert.That(Problems(broken, Packaged.Text(bundle, RtlBundle.FilelistName), bundle.ConfigHash),
            Has.Some.Contains("rtl files"));
    }

    [Test]
    public void A_core_that_is_not_YAML_is_detected()
    {
        var bundle = Packaged.Bundle("tiny");
        var broken = Packaged.Text(bundle, "al_top.core").Replace("  rtl:\n", "  rtl: [\n", StringComparison.Ordinal);
        Assert.That(Problems(broken, Packaged.Text(bundle, RtlBundle.FilelistName), bundle.ConfigHash), Has.Some.Contains("not valid YAML"));
    }

    [Test]
    public void Two_renders_are_byte_identical()
    {
        var config = Packaged.Config("paper");
        var modules = RtlGenerator.Render(config).Modules;
        Assert.That(FuseSocCore.Render(config, modules), Is.EqualTo(FuseSocCore.Render(config, modules)));
    }

    /// <summary>Everything wrong with <paramref name="text"/> as the core of a bundle with this filelist.</summary>
    private static List<string> Problems(string text, string filelist, string hash)
    {
        var problems = new List<string>();
        if (!text.StartsWith("CAPI=2:\n", StringComparison.Ordinal))
        {
            problems.Add("the first line is not CAPI=2:");
        }

        Dictionary<object, object> core;
        try
        {
            core = Parse(text);
        }
        catch (YamlException ex)
        {
            problems.Add("not valid YAML: " + ex.Message);
            return problems;
        }

        var modules = filelist.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('+')).ToList();
        var rtlFiles = ((List<object>)At(core, "filesets", "rtl", "files")).Select(f => f.ToString()).ToList();
        if (!rtlFiles.SequenceEqual(modules))
        {
            problems.Add($"rtl files [{string.Join(", ", rtlFiles)}] are not the filelist's [{string.Join(", ", modules)}]");
        }

        Check(At(core, "filesets", "rtl", "file_type") as string == "verilogSource", "rtl file_type is not verilogSource");
        var header = (Dictionary<object, object>)((List<object>)At(core, "filesets", "sw", "files")).Single();
        Check(header.TryGetValue(SoftwareHeader.FileName, out var options)
              && ((Dictionary<object, object>)options)["is_include_file"] as string == "true", "the header is not an include file");
        Check(At(core, "filesets", "sw", "file_type") as string == "cSource", "sw file_type is not cSource");
        Check(At(core, "name") is string name && name.StartsWith("attentionlego:gen:", StringComparison.Ordinal) && name.Contains(hash),
            "the name is not attentionlego:gen:<top>_<hash>:<version>");
        Check(At(core, "description") is string { Length: > 0 }, "no description");
        foreach (var target in new[] { "default", "lint" })
        {
            var top = At(core, "targets", target, "toplevel") as string;
            Check(top is not null && modules.Contains(top + ".v"), $"target {target}'s toplevel {top} is not a module of the filelist");
        }

        Check(At(core, "targets", "lint", "default_tool") as string == "verilator", "lint does not use verilator");
        Check(At(core, "targets", "lint", "tools", "verilator", "mode") as string == "lint-only", "lint is not lint-only");
        Check(((List<object>)At(core, "targets", "lint", "tools", "verilator", "verilator_options")).Contains("-Wall"), "lint has no -Wall");
        return problems;

        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }
    }

    private static Dictionary<object, object> Parse(string text) => new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(text);

    private static object At(Dictionary<object, object> node, params string[] keys)
    {
        object current = node;
        foreach (var key in keys)
        {
            current = ((Dictionary<object, object>)current).TryGetValue(key, out var next)
                ? next
                : throw new AssertionException($"the core has no {string.Join(".", keys)}");
        }

        return current;
    }
}
