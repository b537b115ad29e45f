using AttentionLego.Cosim.Waves;

namespace AttentionLego.Cosim.WaveDumps;

/// <summary>
/// Several VCD files in one (an overlay): every variable of every file, a file's names optionally moved under another
/// top scope (e.g. <c>TOP.x</c> to <c>golden.x</c>), every change kept. Changes are merged in time order straight from
/// the signals' own sorted lists, so memory stays at one cursor per signal however long the dumps are.
/// </summary>
public static class VcdMerge
{
    public static void Write(TextWriter output, IReadOnlyList<(VcdFile File, (string From, string To)? Rename)> files)
    {
        // Times are copied as they are, so they must mean the same in every file.
        if (files.Select(f => f.File.Timescale.Femtoseconds).Distinct().Count() > 1)
        {
            throw new WaveException("cannot overlay " + string.Join(" and ", files.Select(f => $"{f.File.Source} ({f.File.Timescale})")) +
                                    ": their timescales differ. Fix: dump them with the same time unit.");
        }

        using var vcd = new VcdWriter(output, files.Count > 0 ? files[0].File.Timescale.ToString() : "1ps");
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var cursors = new List<(VcdSignal Signal, int Id)>();
        foreach (var (file, rename) in files)
        {
            foreach (var variable in file.Variables)
            {
                if (variable.Signal.IsReal)
                {
                    continue;
                }

                var name = Rename(variable.FullName, rename);
                if (declared.Add(name))
                {
                    cursors.Add((variable.Signal, vcd.AddSignal(name, variable.Width)));
                }
            }
        }

        // Ties at one time go in declaration order: the writer keeps the last value a signal gets at a time.
        var queue = new PriorityQueue<(int Cursor, int Change), (long Time, int Cursor)>();
        for (var i = 0; i < cursors.Count; i++)
        {
            if (cursors[i].Signal.ChangeCount > 0)
            {
                queue.Enqueue((i, 0), (cursors[i].Signal.TimeOf(0), i));
            }
        }

        while (queue.TryDequeue(out var next, out var at))
        {
            var (signal, id) = cursors[next.Cursor];
            vcd.Change(at.Time, id, signal.ValueOf(next.Change));
            if (next.Change + 1 < signal.ChangeCount)
            {
                queue.Enqueue((next.Cursor, next.Change + 1), (signal.TimeOf(next.Change + 1), next.Cursor));
            }
        }
    }

    private static string Rename(string name, (string From, string To)? rename) =>
        rename is { } r && (name == r.From || name.StartsWith(r.From + ".", StringComparison.Ordinal)) ? r.To + name[r.From.Length..] : name;
}
