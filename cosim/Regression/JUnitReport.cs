using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using AttentionLego.Gen.IO;

namespace AttentionLego.Cosim.Regression;

/// <summary>A JUnit file that cannot be read or merged; the message names the file, the problem and the fix.</summary>
public sealed class JUnitException(string message) : Exception(message);

/// <summary>
/// JUnit XML of a regression, in the shape CI systems read (Jenkins, GitLab, GitHub test reporters):
/// <c>testsuites</c> with one <c>testsuite</c> per configuration, one <c>testcase</c> per case (class name = the
/// configuration's label, name = <c>variant/seed-N</c>), <c>failure</c> for a mismatch and <c>error</c> for a case that
/// could not be checked, each with the replay command; suite properties say the master seed, the shard and the command.
/// A run that was stopped still lists every case: those without a verdict as <c>skipped</c> (what Jenkins and GitLab show
/// as not run), and every suite has the property <c>interrupted</c> with the signal.
/// </summary>
public static class JUnitReport
{
    public static XDocument Build(RegressResult result, IReadOnlyDictionary<string, string> properties)
    {
        var suites = result.Outcomes.GroupBy(o => o.Case.ConfigLabel, StringComparer.Ordinal).Select(g =>
        {
            var suiteProperties = properties.Append(new("config", g.First().Case.Source.ToArguments()));
            if (result.InterruptedBy is { } signal)
            {
                suiteProperties = suiteProperties.Append(new("interrupted", signal));
            }

            var suite = new XElement("testsuite",
                new XAttribute("name", g.Key),
                new XAttribute("tests", g.Count()),
                new XAttribute("failures", g.Count(o => o.Status == CaseStatus.Failed)),
                new XAttribute("errors", g.Count(o => o.Status == CaseStatus.Error)),
                new XAttribute("skipped", g.Count(o => o.Status == CaseStatus.Interrupted)),
                new XAttribute("time", Seconds(g.Sum(o => o.Duration.TotalSeconds))),
                new XElement("properties",
                    suiteProperties.Select(p => new XElement("property", new XAttribute("name", p.Key), new XAttribute("value", p.Value)))));
            suite.Add(g.Select(TestCase));
            return suite;
        });
        var root = new XElement("testsuites", new XAttribute("name", "attnlego regress"));
        root.Add(suites);
        Recount(root);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    /// <summary>Merges JUnit files (e.g. one per shard) into one; counts are recomputed from the test cases themselves.</summary>
    public static XDocument Merge(IReadOnlyList<(string Name, string Text)> files)
    {
        if (files.Count == 0)
        {
            throw new JUnitException("nothing to merge. Fix: pass one or more JUnit XML files.");
        }

        var root = new XElement("testsuites", new XAttribute("name", "attnlego regress"));
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            XDocument doc;
            try
            {
                doc = XDocument.Parse(text);
            }
            catch (XmlException ex)
            {
                throw new JUnitException($"{name} is not well-formed XML (line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}). " +
                    "Fix: pass the JUnit files that attnlego regress wrote, complete (a run that was killed may have left none).");
            }

            var suites = doc.Root?.Name.LocalName switch
            {
                "testsuites" => doc.Root.Elements("testsuite").ToList(),
                "testsuite" => [doc.Root],
                _ => throw new JUnitException($"{name} has the root element <{doc.Root?.Name.LocalName}>, not <testsuites> or <testsuite>. Fix: pass JUnit XML files."),
            };
            foreach (var suite in suites)
            {
                foreach (var testcase in suite.Elements("testcase"))
                {
                    var id = $"{(string?)testcase.Attribute("classname")}/{(string?)testcase.Attribute("name")}";
                    if (testcase.Attribute("name") is null)
                    {
                        throw new JUnitException($"{name} has a <testcase> without a name. Fix: pass JUnit XML files.");
                    }

                    if (!seen.TryAdd(id, name))
                    {
                        throw new JUnitException($"test case {id} is in both {seen[id]} and {name}. " +
                            "Fix: merge each shard's file once; shards of one regression never share a case.");
                    }
                }

                root.Add(new XElement(suite));
            }
        }

        Recount(root);
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    /// <summary>
    /// Writes <paramref name="doc"/> to <paramref name="path"/> as a whole or not at all: into a hidden temporary file
    /// next to it (registered in <see cref="Scratch"/>), then renamed over it, so a reader (or a run stopped half-way)
    /// never sees half a file. Not cancellable: it is what an interrupted run still writes.
    /// </summary>
    public static void WriteAtomically(string path, XDocument doc)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        using var scratch = Scratch.Register(temp);
        try
        {
            File.WriteAllText(temp, ToText(doc), new System.Text.UTF8Encoding(false));
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            File.Delete(temp); // nothing when it was moved
        }
    }

    public static string ToText(XDocument doc)
    {
        using var writer = new Utf8StringWriter();
        doc.Save(writer);
        return writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    /// <summary>Sets tests, failures, errors, skipped and time of every suite and of the root from the test cases.</summary>
    private static void Recount(XElement root)
    {
        foreach (var suite in root.Elements("testsuite"))
        {
            var cases = suite.Elements("testcase").ToList();
            suite.SetAttributeValue("tests", cases.Count);
            suite.SetAttributeValue("failures", cases.Count(c => c.Element("failure") is not null));
            suite.SetAttributeValue("errors", cases.Count(c => c.Element("error") is not null));
            suite.SetAttributeValue("skipped", cases.Count(c => c.Element("skipped") is not null));
            suite.SetAttributeValue("time", Seconds(cases.Sum(TimeOf)));
        }

        var all = root.Elements("testsuite").ToList();
        foreach (var name in new[] { "tests", "failures", "errors", "skipped" })
        {
            root.SetAttributeValue(name, all.Sum(s => (int)s.Attribute(name)!));
        }

        root.SetAttributeValue("time", Seconds(all.Sum(s => double.Parse((string)s.Attribute("time")!, CultureInfo.InvariantCulture))));
    }

    private static double TimeOf(XElement testcase) =>
        double.TryParse((string?)testcase.Attribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : 0;

    private static XElement TestCase(RegressOutcome o)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", o.Case.ConfigLabel),
            new XAttribute("name", o.Case.TestName),
            new XAttribute("time", Seconds(o.Duration.TotalSeconds)));
        var replay = "replay: " + o.Case.Replay;
        if (o.Status == CaseStatus.Interrupted)
        {
            element.Add(new XElement("skipped", new XAttribute("message", o.Message ?? "")));
        }
        else if (!o.Passed)
        {
            var detail = o.Message + "\n" + (o.Artifacts is null ? "" : "artifacts: " + o.Artifacts + "\n") + replay;
            element.Add(new XElement(o.Status == CaseStatus.Failed ? "failure" : "error",
                new XAttribute("message", o.Message ?? ""), new XAttribute("type", o.Kind ?? ""), detail));
        }

        element.Add(new XElement("system-out", replay));
        return element;
    }

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public override System.Text.Encoding Encoding => new System.Text.UTF8Encoding(false);
    }
}
