using AttentionLego.Gen.Rendering;

namespace AttentionLego.Gen.Reporting;

/// <summary>
/// A report's folder, written as a whole or not at all by <see cref="OutputFolder"/>. <c>--force</c> replaces only a
/// folder <c>attnlego report</c> wrote: it holds report.md and cycles.png.
/// </summary>
public static class ReportFolder
{
    private static readonly string[] Markers = [ConfigReport.MarkdownName, ConfigReport.CyclesPlotName];

    public static void WriteAtomically(string folder, IReadOnlyList<ReportFile> files, bool replace) =>
        OutputFolder.WriteAtomically(folder, files.Select(f => (f.Name, f.Content)), replace, "report", Markers);

    /// <summary>Whether <paramref name="folder"/> may be written (see <see cref="OutputFolder.CheckTarget"/>); its full path.</summary>
    public static string CheckTarget(string folder, bool replace) => OutputFolder.CheckTarget(folder, replace, "report", Markers);
}
