using System.Reflection;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace AttentionLego.Gen.Rendering;

/// <summary>
/// The one place that holds the Scriban settings: templates come from the assembly's embedded
/// <c>templates/</c> folder only, unknown variables are errors, loops are bounded, and output has LF line
/// ends and exactly one trailing newline.
/// </summary>
public static class TemplateRenderer
{
    public const int LoopLimit = 1 << 20;
    private static readonly Assembly Assembly = typeof(TemplateRenderer).Assembly;

    /// <summary>Names of every template shipped with the generator, e.g. <c>rtl/al_pim_macro.v.sbn</c>.</summary>
    public static IReadOnlyList<string> TemplateNames { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("templates/", StringComparison.Ordinal))
        .Select(n => n["templates/".Length..])
        .Order(StringComparer.Ordinal)
        .ToList();

    public static string ReadTemplate(string name)
    {
        if (name.Contains("..", StringComparison.Ordinal) || name.StartsWith('/'))
        {
            throw new TemplateException($"template name '{name}' leaves the templates folder");
        }

        using var stream = Assembly.GetManifestResourceStream("templates/" + name)
            ?? throw new TemplateException($"no template 'templates/{name}' is embedded (known: {string.Join(", ", TemplateNames)})");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>
    /// Renders <paramref name="name"/> with the properties of <paramref name="model"/> (snake_case in templates); a bench
    /// template also sees its stimulus kinds as <c>ops</c> and their width as <c>ops_bits</c>.
    /// </summary>
    public static string Render(string name, object model, object? shared = null, StimulusOps? ops = null)
    {
        var template = Template.Parse(ReadTemplate(name), "templates/" + name);
        if (template.HasErrors)
        {
            throw new TemplateException($"templates/{name} does not parse: {string.Join("; ", template.Messages)}");
        }

        var globals = new ScriptObject();
        globals.Import(model);
        if (shared is not null)
        {
            globals.Import(shared);
        }

        if (ops is not null)
        {
            globals.SetValue("ops", ops.ToScript(), readOnly: true);
            globals.SetValue("ops_bits", ops.Bits, readOnly: true);
        }

        var context = new TemplateContext
        {
            StrictVariables = true,
            LoopLimit = LoopLimit,
            NewLine = "\n",
            TemplateLoader = new EmbeddedLoader(),
            EnableRelaxedMemberAccess = false,
        };
        context.PushGlobal(globals);
        string text;
        try
        {
            text = template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException ex)
        {
            throw new TemplateException($"templates/{name}: {ex.Message}");
        }

        return Normalize(text);
    }

    /// <summary>LF endings, no trailing spaces, exactly one trailing newline.</summary>
    public static string Normalize(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd(' ', '\t'));
        return string.Join('\n', lines).TrimEnd('\n') + "\n";
    }

    private sealed class EmbeddedLoader : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) => templateName;

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => ReadTemplate(templatePath);

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            ValueTask.FromResult<string?>(ReadTemplate(templatePath));
    }
}

public sealed class TemplateException(string message) : Exception(message);
