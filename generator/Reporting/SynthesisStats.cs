using System.Globalization;
using System.Text.RegularExpressions;

namespace AttentionLego.Gen.Reporting;

/// <summary>One module of the design as Yosys's <c>stat</c> counts it (its own cells; sub-module instances not included).</summary>
/// <param name="Name">The Verilog module name; a parameterized variant gets " #i" when a module has several.</param>
/// <param name="YosysName">Yosys's name, e.g. <c>$paramod$1f7b...\al_pim_matrix</c>.</param>
/// <param name="Instances">Instances in the whole design under the top module.</param>
/// <param name="Cells">Cells of one instance, sub-module instances excluded.</param>
/// <param name="MemoryBits">Memory bits of one instance.</param>
public sealed record ModuleStats(string Name, string YosysName, long Instances, long Cells, long MemoryBits, IReadOnlyDictionary<string, long> CellTypes);

/// <summary>
/// Yosys's cell statistics of a design, not flattened: every module once, and the design's totals (every cell of every
/// instance under the top). <see cref="Latches"/> counts latch cells ($dlatch, $adlatch, $dlatchsr, $_DLATCH*);
/// <see cref="CheckProblems"/> is what <c>check</c> reported.
/// </summary>
public sealed record SynthesisStats(string Top, string YosysVersion, string Script, IReadOnlyList<ModuleStats> Modules, long TotalCells,
    long TotalMemoryBits, IReadOnlyDictionary<string, long> TotalCellTypes, int CheckProblems, IReadOnlyList<string> CheckWarnings)
{
    public long Latches => TotalCellTypes.Where(t => IsLatch(t.Key)).Sum(t => t.Value);

    public static bool IsLatch(string cellType) =>
        cellType.StartsWith("$dlatch", StringComparison.Ordinal) || cellType.StartsWith("$adlatch", StringComparison.Ordinal) ||
        cellType.StartsWith("$_DLATCH", StringComparison.Ordinal) || cellType.StartsWith("$_SR_", StringComparison.Ordinal);

    /// <summary>Reads the text of Yosys's <c>stat</c> (with the "design hierarchy" section) and of <c>check</c>.</summary>
    public static SynthesisStats Parse(string top, string yosysVersion, string script, string statText, string checkText)
    {
        var sections = Sections(statText);
        if (!sections.TryGetValue("design hierarchy", out var hierarchy))
        {
            // A design of one module has no hierarchy section: its own numbers are the totals.
            hierarchy = sections.TryGetValue(top, out var only) ? only
                : throw new FormatException($"Yosys stat output has neither a design hierarchy nor module {top}");
        }

        var instances = Instances(hierarchy.Lines, top);
        var modules = sections.Where(s => s.Key != "design hierarchy")
            .Select(s => (Yosys: s.Key, Base: BaseName(s.Key), Stats: s.Value))
            .ToList();
        var variants = modules.GroupBy(m => m.Base).ToDictionary(g => g.Key, g => g.Count());
        var seen = new Dictionary<string, int>();
        var list = new List<ModuleStats>();
        foreach (var (yosysName, baseName, stats) in modules)
        {
            seen[baseName] = seen.GetValueOrDefault(baseName) + 1;
            var name = variants[baseName] > 1 ? $"{baseName} #{seen[baseName]}" : baseName;
            var ownTypes = stats.CellTypes.Where(t => !sections.ContainsKey(t.Key)).ToDictionary(t => t.Key, t => t.Value);
            list.Add(new ModuleStats(name, yosysName, yosysName == top ? 1 : instances.GetValueOrDefault(yosysName), ownTypes.Values.Sum(),
                stats.Number("memory bits"), ownTypes));
        }

        var problems = Regex.Match(checkText, @"Found and reported (\d+) problems");
        var warnings = checkText.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Warning:", StringComparison.Ordinal)).ToList();
        return new SynthesisStats(top, yosysVersion, script, list, hierarchy.Number("cells"), hierarchy.Number("memory bits"),
            hierarchy.CellTypes.Where(t => !sections.ContainsKey(t.Key)).ToDictionary(t => t.Key, t => t.Value),
            problems.Success ? int.Parse(problems.Groups[1].Value, CultureInfo.InvariantCulture) : warnings.Count, warnings);
    }

    /// <summary><c>al_requant</c> for <c>$paramod$1c38...\al_requant</c> or <c>$paramod\al_requant\Width=8</c>; other names unchanged.</summary>
    public static string BaseName(string yosysName)
    {
        var match = Regex.Match(yosysName, @"^\$paramod(?:\$[0-9a-f]+)?\\([^\\]+)");
        return match.Success ? match.Groups[1].Value : yosysName;
    }

    private sealed record Section(List<string> Lines, Dictionary<string, long> CellTypes, Dictionary<string, long> Numbers)
    {
        public long Number(string what) => Numbers.GetValueOrDefault(what);
    }

    private static Dictionary<string, Section> Sections(string statText)
    {
        var sections = new Dictionary<string, Section>(StringComparer.Ordinal);
        Section? current = null;
        var inCells = false;
        foreach (var raw in statText.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var header = Regex.Match(line, @"^=== (.+) ===$");
            if (header.Success)
            {
                current = new Section([], new(StringComparer.Ordinal), new(StringComparer.Ordinal));
                sections[header.Groups[1].Value] = current;
                inCells = false;
                continue;
            }

            if (current is null || line.Trim().Length == 0)
            {
                continue;
            }

            current.Lines.Add(line);
            var number = Regex.Match(line, @"^\s+Number of ([a-z ]+):\s+(\d+)");
            if (number.Success)
            {
                current.Numbers[number.Groups[1].Value] = long.Parse(number.Groups[2].Value, CultureInfo.InvariantCulture);
                inCells = number.Groups[1].Value == "cells";
                continue;
            }

            var cell = Regex.Match(line, @"^\s{5,}(\S+)\s+(\d+)$");
            if (inCells && cell.Success)
            {
                current.CellTypes[cell.Groups[1].Value] = long.Parse(cell.Groups[2].Value, CultureInfo.InvariantCulture);
            }
            else
            {
                inCells = false;
            }
        }

        return sections;
    }

    /// <summary>Instances of every module under the top: the hierarchy tree's counts multiplied along each path.</summary>
    private static Dictionary<string, long> Instances(List<string> hierarchyLines, string top)
    {
        var total = new Dictionary<string, long>(StringComparer.Ordinal);
        var stack = new List<(int Indent, long Count)>();
        var started = false;
        foreach (var line in hierarchyLines)
        {
            var entry = Regex.Match(line, @"^(\s+)(\S+)\s+(\d+)$");
            if (line.TrimStart().StartsWith("Number of", StringComparison.Ordinal))
            {
                break;
            }

            if (!entry.Success)
            {
                continue;
            }

            var (indent, name, count) = (entry.Groups[1].Length, entry.Groups[2].Value, long.Parse(entry.Groups[3].Value, CultureInfo.InvariantCulture));
            started |= name == top;
            if (!started)
            {
                continue;
            }

            while (stack.Count > 0 && stack[^1].Indent >= indent)
            {
                stack.RemoveAt(stack.Count - 1);
            }

            var instances = count * (stack.Count > 0 ? stack[^1].Count : 1);
            stack.Add((indent, instances));
            total[name] = total.GetValueOrDefault(name) + instances;
        }

        return total;
    }
}
