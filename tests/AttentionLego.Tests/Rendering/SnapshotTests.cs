using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Rendering;

/// <summary>
/// The tiny preset's RTL against committed snapshots in tests/AttentionLego.Tests/Snapshots/tiny. A mismatch
/// writes &lt;name&gt;.received.v next to the snapshot and prints a diff; scripts/promote-snapshots.sh accepts it.
/// </summary>
public sealed class SnapshotTests
{
    private static string SnapshotDir => Path.Combine(TestEnvironment.RepositoryRoot, "tests", "AttentionLego.Tests", "Snapshots", "tiny");

    private static IEnumerable<string> TinyModules => RtlGenerator.Render(Presets.Tiny).Modules.Select(m => m.Name);

    [TestCaseSource(nameof(TinyModules))]
    public void Tiny_preset_module_matches_its_snapshot(string name)
    {
        var actual = RtlGenerator.Render(Presets.Tiny).Modules.Single(m => m.Name == name).Content;
        var expectedPath = Path.Combine(SnapshotDir, name);
        var receivedPath = Path.Combine(SnapshotDir, Path.GetFileNameWithoutExtension(name) + ".received.v");
        var expected = File.Exists(expectedPath) ? File.ReadAllText(expectedPath) : null;
        if (expected == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        Directory.CreateDirectory(SnapshotDir);
        File.WriteAllText(receivedPath, actual);
        Assert.Fail($"{name} differs from its snapshot; wrote {receivedPath}.\n{FirstDifference(expected, actual)}\n" +
                    "If the change is intended, review it and run scripts/promote-snapshots.sh.");
    }

    private static string FirstDifference(string? expected, string actual)
    {
        if (expected is null)
        {
            return "(no snapshot exists yet)";
        }

        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            var el = i < e.Length ? e[i] : "<end of file>";
            var al = i < a.Length ? a[i] : "<end of file>";
            if (el != al)
            {
                return $"first difference at line {i + 1}:\n- {el}\n+ {al}";
            }
        }

        return "(files differ only in line endings)";
    }
}
