using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Rendering;

/// <summary>One generated file: its name relative to the output folder and its exact text.</summary>
public sealed record RenderedFile(string Name, string Content);

/// <summary>
/// Everything <c>generate</c> writes: the modules (leaves first), the config, a filelist, the C header, the FuseSoC core,
/// the design report and a manifest.
/// </summary>
public sealed record RtlBundle(AttentionConfig Config, IReadOnlyList<RenderedFile> Modules)
{
    public const string FilelistName = "filelist.f";
    public const string ManifestName = "manifest.json";
    public const string ConfigName = "config.json";

    public string ConfigHash => AttentionLego.Gen.Config.ConfigHash.Of(Config);

    /// <summary>The top module: al_array for an array (more than one head, or W_O), else al_top.</summary>
    public static string TopModule(AttentionConfig config) => config.Model.IsArray ? "al_array" : "al_top";

    /// <summary>
    /// Modules, config, filelist (paths relative to the folder, compile order), C header, FuseSoC core, the backdoor preload
    /// include (simulation only), report and manifest (the manifest last: it lists the hashes of the others).
    /// </summary>
    public IReadOnlyList<RenderedFile> AllFiles
    {
        get
        {
            var files = new List<RenderedFile>(Modules)
            {
                new(ConfigName, ConfigJson.Serialize(Config)),
                new(FilelistName, string.Concat(Modules.Select(m => m.Name + "\n"))),
                new(SoftwareHeader.FileName, SoftwareHeader.Render(Config)),
                new(FuseSocCore.FileName(Config), FuseSocCore.Render(Config, Modules)),
                new(AttentionLego.Gen.Golden.BackdoorPreload.IncludeName, AttentionLego.Gen.Golden.BackdoorPreload.Include(Config)),
                new(DesignReport.FileName, DesignReport.Render(Config)),
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
    /// <summary>The modules a configuration needs (<see cref="ModuleCatalog"/>), leaves first.</summary>
    public static IReadOnlyList<string> ModuleNames(AttentionConfig config) =>
        [.. ModuleCatalog.All.Where(m => m.IsNeeded(config)).Select(m => m.Name)];

    /// <summary>Every module of <paramref name="config"/>; <paramref name="ct"/> is checked before each.</summary>
    public static RtlBundle Render(AttentionConfig config, CancellationToken ct = default)
    {
        ConfigValidator.ThrowIfInvalid(config);
        return new RtlBundle(config, Modules(config, ct, [.. ModuleNames(config)]));
    }

    /// <summary>The named modules, rendered, in filelist order (a bench's DUT and what it instantiates).</summary>
    public static IReadOnlyList<RenderedFile> Modules(AttentionConfig config, params string[] names) => Modules(config, default, names);

    /// <summary><see cref="Modules(AttentionConfig, string[])"/>, checking <paramref name="ct"/> before each module.</summary>
    public static IReadOnlyList<RenderedFile> Modules(AttentionConfig config, CancellationToken ct, params string[] names)
    {
        var unknown = names.Where(n => ModuleCatalog.Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"no such module: {string.Join(", ", unknown)}", nameof(names));
        }

        return [.. ModuleCatalog.All.Where(m => names.Contains(m.Name)).Select(m =>
        {
            ct.ThrowIfCancellationRequested();
            return File(m.Template, m.FileName, config, b => m.View(config, b));
        })];
    }

    /// <summary><paramref name="top"/> and every module below it, rendered in compile order (<see cref="ModuleCatalog.Hierarchy"/>): a bench's DUT.</summary>
    public static IReadOnlyList<RenderedFile> Hierarchy(AttentionConfig config, string top) =>
        Modules(config, [.. ModuleCatalog.Hierarchy(config, top)]);

    /// <summary>Renders <c>templates/rtl/&lt;module&gt;.v.sbn</c> into <c>&lt;module&gt;.v</c>.</summary>
    public static RenderedFile Module(string module, AttentionConfig config, Func<string, object> view) =>
        File($"rtl/{module}.v.sbn", module + ".v", config, view);

    /// <summary>
    /// Renders any template into <paramref name="name"/>; <paramref name="view"/> gets the file's banner. Every template also sees
    /// the configuration's PIM faults (<see cref="FaultView"/>).
    /// </summary>
    /// <param name="ops">A bench template's stimulus kinds (<see cref="StimulusOps"/>).</param>
    public static RenderedFile File(string template, string name, AttentionConfig config, Func<string, object> view, StimulusOps? ops = null) =>
        new(name, TemplateRenderer.Render(template, view(GeneratorInfo.Banner(template, config)), FaultView.From(config), ops));
}
