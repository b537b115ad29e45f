using AttentionLego.Cosim;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Rendering;
using AttentionLego.Tests.Support;

namespace AttentionLego.Tests.Rendering;

public sealed class LintCacheTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    private static readonly LintResult Warned = new("al_softmax", false, ["%Warning-UNUSED: al_softmax.v:12:8: Signal is not used: 'x'", "%Error: Exiting due to 1 warning(s)"]);

    /// <summary>A lint that counts how often it ran and returns <paramref name="result"/>.</summary>
    private sealed class CountedLint(LintResult result)
    {
        public int Runs { get; private set; }

        public Task<LintResult> Run()
        {
            Runs++;
            return Task.FromResult(result);
        }
    }

    [Test]
    public async Task A_result_is_kept_and_the_next_lint_of_the_same_key_takes_it_without_running()
    {
        using var temp = new TempFolder();
        var notes = new List<string>();
        var cache = new LintCache(temp.Path, notes.Add);
        var lint = new CountedLint(Warned);

        var first = await cache.GetOrLintAsync(Key, "al_softmax", lint.Run, CancellationToken.None);
        var second = await cache.GetOrLintAsync(Key, "al_softmax", lint.Run, CancellationToken.None);

        Assert.That(lint.Runs, Is.EqualTo(1), "the second lint is a hit");
        Assert.That((second.TopModule, second.Clean, second.Diagnostics), Is.EqualTo((first.TopModule, first.Clean, first.Diagnostics)));
        Assert.That(second.Diagnostics, Is.EqualTo(Warned.Diagnostics));
        Assert.That(File.Exists(cache.EntryPath(Key, "al_softmax")), Is.True);
        Assert.That(Directory.GetFiles(cache.Folder, "*.tmp"), Is.Empty, "the private file was renamed into place");
        Assert.That(notes, Is.Empty);
    }

    [Test]
    public async Task Another_key_or_another_top_is_a_miss()
    {
        using var temp = new TempFolder();
        var cache = new LintCache(temp.Path);
        var lint = new CountedLint(Warned);
        await cache.GetOrLintAsync(Key, "al_softmax", lint.Run, CancellationToken.None);
        await cache.GetOrLintAsync(Key.Replace('0', '1'), "al_softmax", lint.Run, CancellationToken.None);
        await cache.GetOrLintAsync(Key, "al_top", lint.Run, CancellationToken.None);
        Assert.That(lint.Runs, Is.EqualTo(3));
    }

    [TestCase("truncated", "it has no checksum line (cut short?)")]
    [TestCase("byte-flipped", "its text does not match its SHA-256")]
    [TestCase("empty", "it has no checksum line (cut short?)")]
    [TestCase("another-key", "it is not an entry for this lint")]
    public async Task A_damaged_entry_is_not_trusted_but_removed_linted_again_and_said_so(string damage, string why)
    {
        using var temp = new TempFolder();
        var notes = new List<string>();
        var cache = new LintCache(temp.Path, notes.Add);
        var clean = new CountedLint(new LintResult("al_softmax", true, []));
        await cache.GetOrLintAsync(Key, "al_softmax", new CountedLint(Warned).Run, CancellationToken.None);
        var path = cache.EntryPath(Key, "al_softmax");
        var text = File.ReadAllText(path);
        File.WriteAllText(path, damage switch
        {
            "truncated" => text[..(text.Length / 2)],
            // "UNUSED" to "UNUSEd": the entry still parses, only its checksum tells.
            "byte-flipped" => text.Replace("UNUSED", "UNUSEd", StringComparison.Ordinal),
            "empty" => "",
            _ => LintCache.Format(Key.Replace('0', '2'), Warned),
        });

        var result = await cache.GetOrLintAsync(Key, "al_softmax", clean.Run, CancellationToken.None);

        Assert.That(clean.Runs, Is.EqualTo(1), "linted again");
        Assert.That((result.Clean, result.Diagnostics), Is.EqualTo((true, Array.Empty<string>())), "the new lint's result, not the damaged entry's");
        Assert.That(notes, Has.One.EqualTo($"lint cache entry {path} was damaged ({why}); linted again"));
        Assert.That(LintCache.Parse(File.ReadAllText(path), Key, "al_softmax").Damage, Is.Null, "the new result replaced the damaged entry");
    }

    [Test]
    public async Task A_cache_that_cannot_be_written_still_lints_and_says_the_result_was_not_kept()
    {
        using var temp = new TempFolder();
        var file = temp.Combine("a-file");
        await File.WriteAllTextAsync(file, "not a folder");
        var notes = new List<string>();
        var cache = new LintCache(file, notes.Add);
        var lint = new CountedLint(Warned);

        var result = await cache.GetOrLintAsync(Key, "al_softmax", lint.Run, CancellationToken.None);

        Assert.That(result.Diagnostics, Is.EqualTo(Warned.Diagnostics));
        Assert.That(notes, Has.One.StartsWith("lint result of al_softmax not kept in "));
    }

    [Test]
    [Category(Tier.Tools)]
    public async Task Linter_takes_each_modules_result_from_the_cache_when_what_verilator_reads_is_unchanged()
    {
        var verilator = await TestEnvironment.RequireVerilatorAsync();
        using var temp = new TempFolder();
        var cache = new LintCache(temp.Path);
        var bundle = RtlGenerator.Render(Presets.Tiny);
        var first = await Linter.LintAsync(verilator, bundle, Linter.MaxElaboratedMacros, cache);
        Assert.That(first.Select(r => r.Clean), Has.All.True);
        var entries = Directory.GetFiles(cache.Folder, "*.lint");
        Assert.That(entries, Has.Length.EqualTo(first.Count), "one entry per module");

        // Plant a finding in every entry, with a right checksum: a lint that reads the cache reports it, one that runs Verilator cannot.
        foreach (var result in first)
        {
            var key = LintCache.Key(verilator, result.TopModule, bundle.Modules);
            await File.WriteAllTextAsync(cache.EntryPath(key, result.TopModule), LintCache.Format(key, result with { Clean = false, Diagnostics = ["%Warning-PLANTED: from the cache"] }));
        }

        var second = await Linter.LintAsync(verilator, bundle, Linter.MaxElaboratedMacros, cache);
        Assert.That(second.Select(r => r.Diagnostics.Single()), Has.All.EqualTo("%Warning-PLANTED: from the cache"));

        // A changed source is another key: linted by Verilator again, clean.
        var changed = bundle with { Modules = [.. bundle.Modules.Select(f => f.Name == "al_requant.v" ? f with { Content = f.Content + "// changed\n" } : f)] };
        var third = await Linter.LintAsync(verilator, changed, Linter.MaxElaboratedMacros, cache);
        Assert.That(third.Select(r => r.Clean), Has.All.True, "every module reads al_requant.v in its filelist, so every key changed");
    }
}
