using System.Text.RegularExpressions;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Tests.Rendering;

/// <summary>The module descriptors agree with the templates they describe, and a bench's sources follow from them.</summary>
public sealed partial class ModuleCatalogTests
{
    [GeneratedRegex(@"^\s*(al_[a-z_]+)\s+(#|u_)", RegexOptions.Multiline)]
    private static partial Regex Instance();

    [Test]
    public void Each_descriptor_names_exactly_the_modules_its_template_instantiates()
    {
        // tiny-mha4 needs every module (the array with W_O).
        var files = RtlGenerator.Render(Presets.TinyMha4).Modules;
        Assert.That(files.Select(f => f.Name), Is.EqualTo(ModuleCatalog.All.Select(m => m.FileName)));
        foreach (var module in ModuleCatalog.All)
        {
            var text = files.Single(f => f.Name == module.FileName).Content;
            var instantiated = Instance().Matches(text).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal);
            Assert.That(module.Submodules.Order(StringComparer.Ordinal), Is.EqualTo(instantiated), module.Name);
        }
    }

    [Test]
    public void A_hierarchy_lists_the_module_and_everything_below_it_leaves_first()
    {
        Assert.That(ModuleCatalog.Hierarchy(Presets.Tiny, "al_score"), Is.EqualTo(new[] { "al_pim_macro", "al_pim_matrix", "al_cache_fill", "al_score" }));
        Assert.That(ModuleCatalog.Hierarchy(Presets.Tiny, "al_dma"), Is.EqualTo(new[] { "al_dma" }));
        Assert.That(ModuleCatalog.Hierarchy(Presets.TinyMha2, "al_array"), Does.Not.Contain("al_oproj"), "W_O only where the configuration has it");
        Assert.That(ModuleCatalog.Hierarchy(Presets.Tiny, "al_array"), Does.Contain("al_mem_arbiter").And.Not.Contain("al_oproj"),
            "a one-head array bench compiles the arbiter its al_array instantiates, though generate leaves it out");
        Assert.That(ModuleCatalog.Hierarchy(Presets.TinyMha4, "al_array"), Is.EqualTo(RtlGenerator.ModuleNames(Presets.TinyMha4).Where(m => m != "al_top")), "everything but the single head's top");
        foreach (var module in ModuleCatalog.All)
        {
            var order = ModuleCatalog.Hierarchy(Presets.TinyMha4, module.Name).ToList();
            Assert.That(order[^1], Is.EqualTo(module.Name), "the module itself last");
            foreach (var sub in module.Submodules)
            {
                Assert.That(order.IndexOf(sub), Is.InRange(0, order.Count - 2), $"{sub} compiles before {module.Name}");
            }
        }
    }

    [GeneratedRegex(@"\b(op_kind_q|cmd_kind_q|next_kind)\s*(==|!=|<=?|>=?|-)\s*\d")]
    private static partial Regex KindByNumber();

    [Test]
    public void No_bench_template_tests_a_stimulus_kind_by_its_number()
    {
        var benches = TemplateRenderer.TemplateNames.Where(n => n.StartsWith("tb/al_tb_", StringComparison.Ordinal)).ToList();
        Assert.That(benches, Has.Count.GreaterThan(5));
        Assert.That(KindByNumber().IsMatch("wire csr_we = cmd_kind_q == 2;"), Is.True, "the check finds a kind tested by its number");
        Assert.That(benches.Where(n => KindByNumber().IsMatch(TemplateRenderer.ReadTemplate(n))), Is.Empty,
            "a kind is {{ ops.<name> }}, declared once by the C# bench");
    }

    [Test]
    public void An_unknown_module_is_refused() =>
        Assert.That(() => ModuleCatalog.Hierarchy(Presets.Tiny, "al_nope"), Throws.ArgumentException.With.Message.Contains("al_nope"));
}
