using System.Xml;
using System.Xml.Linq;
using AttentionLego.Cosim.Regression;
using AttentionLego.Gen.Config;

namespace AttentionLego.Tests.Regression;

public sealed class JUnitReportTests
{
    private static RegressOutcome Outcome(string label, string module, int seed, CaseStatus status) =>
        new(new RegressCase(label, ConfigSource.FromPreset("tiny"), module, seed), status, TimeSpan.FromSeconds(1.5),
            status == CaseStatus.Passed ? null : "value mismatch at cycle 12 on y_o: expected 1, got 2", status == CaseStatus.Passed ? null : "mismatch",
            status == CaseStatus.Failed ? "/tmp/x" : null, 100);

    private static string Report(params RegressOutcome[] outcomes) =>
        JUnitReport.ToText(JUnitReport.Build(new RegressResult(outcomes, 1, 0, TimeSpan.FromSeconds(3)), new Dictionary<string, string> { ["shard"] = "1/2" }));

    private static readonly string First = Report(
        Outcome("tiny", "softmax", 1, CaseStatus.Passed), Outcome("tiny", "softmax", 2, CaseStatus.Failed), Outcome("other", "qkv", 1, CaseStatus.Error));

    private static readonly string Second = Report(Outcome("tiny", "score", 1, CaseStatus.Passed), Outcome("third", "top", 4, CaseStatus.Failed));

    [Test]
    public void The_report_parses_and_counts_its_cases()
    {
        var doc = new XmlDocument();
        doc.LoadXml(First);
        var root = doc.DocumentElement!;
        Assert.That(root.Name, Is.EqualTo("testsuites"));
        Assert.That((root.GetAttribute("tests"), root.GetAttribute("failures"), root.GetAttribute("errors")), Is.EqualTo(("3", "1", "1")));
        Assert.That(root.SelectNodes("testsuite")!.Count, Is.EqualTo(2), "one suite per configuration");
        var tiny = (XmlElement)root.SelectSingleNode("testsuite[@name='tiny']")!;
        Assert.That((tiny.GetAttribute("tests"), tiny.GetAttribute("failures"), tiny.GetAttribute("time")), Is.EqualTo(("2", "1", "3.000")));
        Assert.That(tiny.SelectSingleNode("properties/property[@name='shard']/@value")!.Value, Is.EqualTo("1/2"));
        var failed = (XmlElement)tiny.SelectSingleNode("testcase[@name='softmax/seed-2']")!;
        Assert.That(failed.GetAttribute("classname"), Is.EqualTo("tiny"));
        Assert.That(failed.SelectSingleNode("failure/@message")!.Value, Does.StartWith("value mismatch at cycle 12"));
        Assert.That(failed.SelectSingleNode("failure")!.InnerText, Does.Contain("replay: scripts/attnlego cosim --module softmax --preset tiny --seed 2"));
        Assert.That(failed.SelectSingleNode("system-out")!.InnerText, Is.EqualTo("replay: scripts/attnlego cosim --module softmax --preset tiny --seed 2"));
        Assert.That(root.SelectSingleNode("testsuite[@name='other']/testcase/error"), Is.Not.Null, "a case that could not be checked is an error");
    }

    [Test]
    public void An_interrupted_run_lists_every_case_with_the_unfinished_ones_skipped_and_says_which_signal_stopped_it()
    {
        var outcomes = new[]
        {
            Outcome("tiny", "softmax", 1, CaseStatus.Passed), Outcome("tiny", "softmax", 2, CaseStatus.Failed),
            Outcome("tiny", "softmax", 3, CaseStatus.Interrupted) with { Message = "not run to its end", Duration = TimeSpan.Zero },
            Outcome("other", "qkv", 1, CaseStatus.Interrupted) with { Message = "not run to its end", Duration = TimeSpan.Zero },
        };
        var result = new RegressResult(outcomes, 0, 1, TimeSpan.FromSeconds(2)) { InterruptedBy = "SIGINT" };
        Assert.That((result.PassedCount, result.FailedCount, result.InterruptedCount, result.Passed), Is.EqualTo((1, 1, 2, false)));
        var root = XDocument.Parse(JUnitReport.ToText(JUnitReport.Build(result, new Dictionary<string, string>()))).Root!;
        Assert.That(((string?)root.Attribute("tests"), (string?)root.Attribute("failures"), (string?)root.Attribute("skipped")), Is.EqualTo(("4", "1", "2")));
        Assert.That(root.Elements("testsuite").Select(s => s.Descendants("property").Single(p => (string?)p.Attribute("name") == "interrupted").Attribute("value")!.Value),
            Is.EqualTo(new[] { "SIGINT", "SIGINT" }), "every suite says the run was stopped, and by what");
        var skipped = root.Descendants("testcase").Where(t => t.Element("skipped") is not null).Select(t => (string?)t.Attribute("name"));
        Assert.That(skipped, Is.EquivalentTo(new[] { "softmax/seed-3", "qkv/seed-1" }));
        Assert.That(root.Descendants("failure").Count() + root.Descendants("error").Count(), Is.EqualTo(1), "an unfinished case is neither a failure nor an error");

        var whole = XDocument.Parse(Report(outcomes[0], outcomes[1])).Root!;
        Assert.That(whole.Descendants("property").Where(p => (string?)p.Attribute("name") == "interrupted"), Is.Empty, "a run that ended is not marked");
    }

    [Test]
    public void The_file_is_written_whole_over_the_old_one_with_no_temporary_file_left()
    {
        using var temp = new Support.TempFolder();
        var path = temp.Combine("out", "junit.xml");
        JUnitReport.WriteAtomically(path, XDocument.Parse(First));
        JUnitReport.WriteAtomically(path, XDocument.Parse(Second));
        Assert.That(File.ReadAllText(path), Is.EqualTo(Second));
        Assert.That(Directory.GetFileSystemEntries(temp.Combine("out")).Select(Path.GetFileName), Is.EqualTo(new[] { "junit.xml" }));
        Assert.That(Gen.IO.Scratch.Registered, Has.None.Contains(temp.Path), "the temporary file is no longer registered");
    }

    [Test]
    public void Merging_sums_the_counts()
    {
        var merged = JUnitReport.Merge([("a.xml", First), ("b.xml", Second)]).Root!;
        Assert.That((string?)merged.Attribute("tests"), Is.EqualTo("5"));
        Assert.That((string?)merged.Attribute("failures"), Is.EqualTo("2"));
        Assert.That((string?)merged.Attribute("errors"), Is.EqualTo("1"));
        Assert.That((string?)merged.Attribute("time"), Is.EqualTo("7.500"));
        Assert.That(merged.Elements("testsuite").Sum(s => (int)s.Attribute("tests")!), Is.EqualTo(5));
        Assert.That(merged.Descendants("testcase").Count(), Is.EqualTo(5));
    }

    [Test]
    public void Merging_a_merged_file_with_nothing_new_keeps_its_counts()
    {
        var once = JUnitReport.ToText(JUnitReport.Merge([("a.xml", First), ("b.xml", Second)]));
        var twice = JUnitReport.Merge([("m.xml", once)]).Root!;
        Assert.That((string?)twice.Attribute("tests"), Is.EqualTo("5"));
    }

    [Test]
    public void A_single_testsuite_root_is_accepted()
    {
        var suite = XDocument.Parse(First).Root!.Elements("testsuite").First().ToString();
        Assert.That((string?)JUnitReport.Merge([("s.xml", suite), ("b.xml", Second)]).Root!.Attribute("tests"), Is.EqualTo("4"));
    }

    [Test]
    public void A_case_in_two_files_is_refused()
    {
        var ex = Assert.Throws<JUnitException>(() => JUnitReport.Merge([("a.xml", First), ("again.xml", First)]));
        Assert.That(ex!.Message, Does.Contain("a.xml").And.Contain("again.xml").And.Contain("Fix:"));
    }

    [TestCase("<testsuites><testsuite>", "not well-formed")]
    [TestCase("<html/>", "<html>")]
    [TestCase("", "not well-formed")]
    public void Malformed_input_is_refused_with_the_file_name(string text, string says)
    {
        var ex = Assert.Throws<JUnitException>(() => JUnitReport.Merge([("bad.xml", text)]));
        Assert.That(ex!.Message, Does.Contain("bad.xml").And.Contain(says).And.Contain("Fix:"));
    }
}
