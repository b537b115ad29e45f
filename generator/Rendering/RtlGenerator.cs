using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Rendering;

/// <summary>One generated file: its name relative to the output folder and its exact text.</summary>
public sealed record RenderedFile(string Name, string Content);

/// <summary>Everything <c>generate</c> writes: the modules (leaves first), a filelist and a manifest.</summary>
public sealed record RtlBundle(AttentionConfig Config, IReadOnlyList<RenderedFile> Modules)
{
    public const string FilelistName = "filelist.f";
    public const string ManifestName = "manifest.json";
    public const string ConfigName = "config.json";

    public string ConfigHash => GeneratorInfo.ConfigHash(Config);

    /// <summary>Modules, config, filelist and manifest (the manifest last: it lists the hashes of the others).</summary>
    public IReadOnlyList<RenderedFile> AllFiles
    {
        get
        {
            var files = new List<RenderedFile>(Modules)
            {
                new(ConfigName, ConfigJson.Serialize(Config)),
                new(FilelistName, string.Concat(Modules.Select(m => m.Name + "\n"))),
            };
            files.Add(new RenderedFile(ManifestName, Manifest(files)));
            return files;
        }
    }

    private string Manifest(IEnumerable<RenderedFile> files)
    {
        var lines = files.Select(f =>
            $"    {{ \"name\": \"{f.Name}\", \"bytes\": {System.Text.Encoding.UTF8.GetByteCount(f.Content)}, \"sha256\": \"{GeneratorInfo.Sha256(f.Content)}\" }}");
        return "{\n" +
               $"  \"generator\": \"AttentionLego.Gen\",\n  \"version\": \"{GeneratorInfo.Version}\",\n  \"configHash\": \"{ConfigHash}\",\n" +
               "  \"files\": [\n" + string.Join(",\n", lines) + "\n  ]\n}\n";
    }
}

/// <summary>Renders every RTL module of a configuration, leaves first (the order of the filelist).</summary>
public static class RtlGenerator
{
    public static RtlBundle Render(AttentionConfig config)
    {
        ConfigValidator.ThrowIfInvalid(config);
        var modules = new List<RenderedFile>
        {
            Module("al_pim_macro", config, b => PimMacroView.From(config, b)),
            Module("al_pim_matrix", config, b => PimMatrixView.From(config.ProjectionShape, b)),
            Module("al_requant", config, b => RequantView.ForQuery(config, b)),
            Module("al_qkv", config, b => QkvView.From(config, b)),
            Module("al_score", config, b => ScoreView.From(config, b)),
        };
        return new RtlBundle(config, modules);
    }

    /// <summary>Renders <c>templates/rtl/&lt;module&gt;.v.sbn</c> into <c>&lt;module&gt;.v</c>.</summary>
    public static RenderedFile Module(string module, AttentionConfig config, Func<string, object> view) =>
        File($"rtl/{module}.v.sbn", module + ".v", config, view);

    /// <summary>Renders any template into <paramref name="name"/>; <paramref name="view"/> gets the file's banner.</summary>
    public static RenderedFile File(string template, string name, AttentionConfig config, Func<string, object> view) =>
        new(name, TemplateRenderer.Render(template, view(GeneratorInfo.Banner(template, config))));
}
