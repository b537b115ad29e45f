using AttentionLego.Gen.Config;

namespace AttentionLego.Gen.Rendering;

/// <summary>
/// One RTL module: its name (the template is <c>templates/rtl/&lt;name&gt;.v.sbn</c>, the file <c>&lt;name&gt;.v</c>), its
/// view-model, the modules it instantiates, whether a configuration needs it, and the PIM macros in its hierarchy.
/// </summary>
/// <param name="View">The template's view-model from the configuration and the file's banner.</param>
/// <param name="Submodules">The modules its template instantiates (directly).</param>
/// <param name="Needed">Whether <c>generate</c> writes it for a configuration (null: always).</param>
/// <param name="Macros">PIM macros elaborated with it as top (null: none).</param>
/// <param name="Instantiated">Whether its parents instantiate it under a configuration (null: always): a bench of a parent
/// compiles it even where <paramref name="Needed"/> says the configuration as a whole does not (al_mem_arbiter in a one-head
/// al_array bench).</param>
public sealed record ModuleDescriptor(string Name, Func<AttentionConfig, string, object> View, IReadOnlyList<string> Submodules,
    Func<AttentionConfig, bool>? Needed = null, Func<AttentionConfig, long>? Macros = null, Func<AttentionConfig, bool>? Instantiated = null)
{
    public string Template => $"rtl/{Name}.v.sbn";

    public string FileName => Name + ".v";

    public bool IsNeeded(AttentionConfig config) => Needed?.Invoke(config) ?? true;

    public bool IsInstantiated(AttentionConfig config) => Instantiated?.Invoke(config) ?? true;

    public long MacroCount(AttentionConfig config) => Macros?.Invoke(config) ?? 0;
}

/// <summary>
/// Every RTL module, leaves first (the filelist's compile order): the one list the generator, the benches' source
/// lists, lint and the run-cost estimate read. Adding a module means adding its descriptor here.
/// </summary>
public static class ModuleCatalog
{
    public static IReadOnlyList<ModuleDescriptor> All { get; } =
    [
        new("al_pim_macro", (c, b) => PimMacroView.From(c, b), [], Macros: _ => 1),
        new("al_pim_matrix", (c, b) => PimMatrixView.From(c.ProjectionShape, b), ["al_pim_macro"], Macros: c => new MacroLayout(c).Projection),
        new("al_requant", (c, b) => RequantView.ForQuery(c, b), []),
        new("al_qkv", (c, b) => QkvView.From(c, b), ["al_pim_matrix", "al_requant"], Macros: c => 3L * new MacroLayout(c).Projection),
        new("al_cache_fill", (c, b) => CacheFillView.From(c, b), []),
        new("al_score", (c, b) => ScoreView.From(c, b), ["al_cache_fill", "al_pim_matrix"], Macros: c => new MacroLayout(c).KCache),
        new("al_softmax", (c, b) => SoftmaxView.From(c, b), []),
        new("al_context", (c, b) => ContextView.From(c, b), ["al_cache_fill", "al_pim_matrix", "al_requant"], Macros: c => new MacroLayout(c).VCache),
        new("al_head", (c, b) => HeadView.From(c, b), ["al_context", "al_qkv", "al_score", "al_softmax"], Macros: HeadMacros),
        new("al_dma", (c, b) => DmaView.From(c, b), []),
        new("al_controller", (c, b) => ControllerView.From(c, b), []),
        new("al_top", (c, b) => TopView.From(c, b), ["al_controller", "al_dma", "al_head"], Macros: HeadMacros),
        new("al_mem_arbiter", (c, b) => ArbiterView.From(c, b), [], Needed: c => c.Model.IsArray),
        new("al_oproj", (c, b) => OprojView.From(c, b), ["al_pim_matrix", "al_requant"], Needed: c => c.Model.OutputProjection,
            Macros: c => new MacroLayout(c).Output, Instantiated: c => c.Model.OutputProjection),
        new("al_array", (c, b) => ArrayView.From(c, b), ["al_controller", "al_dma", "al_head", "al_mem_arbiter", "al_oproj"],
            Needed: c => c.Model.IsArray, Macros: c => new MacroLayout(c).Macros),
    ];

    public static ModuleDescriptor? Find(string name) => All.FirstOrDefault(m => m.Name == name);

    public static ModuleDescriptor Get(string name) =>
        Find(name) ?? throw new ArgumentException($"no such module: {name}", nameof(name));

    /// <summary>
    /// <paramref name="top"/> and every module below it that <paramref name="config"/> needs, in compile order (leaves
    /// first): the sources a bench of <paramref name="top"/> builds.
    /// </summary>
    public static IReadOnlyList<string> Hierarchy(AttentionConfig config, string top)
    {
        var below = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([top]);
        while (pending.TryPop(out var name))
        {
            var module = Get(name);
            if ((name == top || module.IsInstantiated(config)) && below.Add(name))
            {
                foreach (var sub in module.Submodules)
                {
                    pending.Push(sub);
                }
            }
        }

        return [.. All.Where(m => below.Contains(m.Name)).Select(m => m.Name)];
    }

    private static long HeadMacros(AttentionConfig c) => new MacroLayout(c).PerHead;
}
