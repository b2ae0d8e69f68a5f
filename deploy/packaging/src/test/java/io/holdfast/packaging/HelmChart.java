package io.holdfast.packaging;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.util.Map;

/** deploy/helm/holdfast rendered and linted by the real Helm engine (helm-java's native Helm library). */
final class HelmChart {

    /** The release name the committed manifests are rendered with; objects are named {@code holdfast-<component>}. */
    static final String RELEASE = "holdfast";

    private HelmChart() {}

    /** {@code helm template holdfast deploy/helm/holdfast [--set k=v]...} (a dot inside a key escaped by {@link #key}). */
    static String template(Map<String, String> set) {
        TemplateCommand command = new Helm(Repo.chart()).template().withName(RELEASE);
        set.forEach(command::set);
        return command.call();
    }

    /** A --set path whose last element is a setting's name (its dots are not nesting). */
    static String key(String path, String setting) {
        return path + "." + setting.replace(".", "\\.");
    }

    static Rendered render(Map<String, String> set) {
        return new Rendered(template(set));
    }

    static LintResult lint() {
        return new Helm(Repo.chart()).lint().strict().call();
    }
}
