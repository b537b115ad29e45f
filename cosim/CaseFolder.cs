using System.Globalization;
using AttentionLego.Gen.IO;

namespace AttentionLego.Cosim;

/// <summary>
/// The folder of one co-simulation case (stimulus, trace, logs, waves), owned by the run that simulates it. The case
/// claims <c>seed-N</c>, or, while another live run holds that one (two runs of the same module and configuration on one
/// work folder, e.g. <c>cosim --module top</c> with different <c>--tokens</c>), the first free of <c>seed-N.2</c>,
/// <c>seed-N.3</c>, ...; what an earlier, finished run left in the claimed folder is cleared. Until the case has its
/// verdict the folder is registered in <see cref="Scratch"/>: a case that is interrupted has no verdict and leaves no
/// folder (nor the parents it made). A passing case's folder is removed by its owner; a failing case's folder, or one a
/// tool failure names, stays and stays held until the run lets go of it.
/// </summary>
internal sealed class CaseFolder : IDisposable
{
    /// <summary>How many names a case tries: <c>seed-N</c> and <c>seed-N.2</c> .. <c>seed-N.64</c>.</summary>
    public const int MaxNames = 64;

    private readonly OwnedFolder _owned;
    private IDisposable? _scratch;
    private bool _settled;

    private CaseFolder(OwnedFolder owned)
    {
        _owned = owned;
        _scratch = Scratch.Register(owned.Path);
    }

    public string Path => _owned.Path;

    /// <summary>Claims <c>&lt;parent&gt;/&lt;name&gt;</c> or the first free <c>&lt;name&gt;.k</c>, emptied of what an earlier run left.</summary>
    public static CaseFolder Claim(string parent, string name)
    {
        var candidates = Enumerable.Range(1, MaxNames)
            .Select(k => System.IO.Path.Combine(parent, k == 1 ? name : string.Create(CultureInfo.InvariantCulture, $"{name}.{k}")));
        var owned = OwnedFolder.ClaimFirstFree(candidates, out _) ?? throw new OutputException(
            $"{System.IO.Path.Combine(parent, name)} and its {MaxNames - 1} alternatives are all in use by other live runs. Fix: wait for them, or pass another --work-dir.");

        try
        {
            owned.Clear();
            return new CaseFolder(owned);
        }
        catch
        {
            owned.Dispose();
            throw;
        }
    }

    /// <summary>The case has its verdict (or a tool failure that names this folder): the folder is complete and stays.</summary>
    public void Keep()
    {
        _settled = true;
        Unregister();
    }

    /// <summary>The case passed: its owner removes the folder.</summary>
    public void Remove()
    {
        _settled = true;
        _owned.Remove();
        Unregister();
    }

    /// <summary>Lets go of the folder. One that was neither kept nor removed (an interrupted case) is removed first, with the parents it made.</summary>
    public void Dispose()
    {
        if (!_settled)
        {
            _settled = true;
            try
            {
                if (Directory.Exists(Path))
                {
                    Directory.Delete(Path, recursive: true);
                }

                _owned.RemoveMadeIfEmpty();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort on the way out; Scratch tries again if the process is ended for the signal.
            }
        }

        Unregister();
        _owned.Dispose();
    }

    private void Unregister()
    {
        _scratch?.Dispose();
        _scratch = null;
    }
}
